import pc from 'picocolors';
import { ConfigError } from '../config/errors.ts';
import { SluiceError } from '../errors.ts';
import { CatalogError } from '../io/catalog-errors.ts';
import {
  CircularDependencyError,
  DuplicateNodeNameError,
  EmptyPipelineError,
  NodeDefinitionError,
  OutputNotUniqueError,
  PipelineError,
  TranscodingError,
  UnknownDatasetError,
  UnknownNamespaceError,
  UnknownNodeError,
} from '../pipeline/errors.ts';
import { RunCancelledError } from '../runner/errors.ts';
import { SettingsError } from '../session/settings.ts';
import { PluginDiscoveryError } from '../hooks/discovery.ts';
import { HookRegistrationError } from '../hooks/errors.ts';
import type { ExitCodeValue } from './exit-codes.ts';
import { ExitCode } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

/** Errors that mean "fix the command or the project", raised before anything ran. */
const USAGE_ERRORS = [
  UsageError,
  ConfigError,
  SettingsError,
  CatalogError,
  PluginDiscoveryError,
  HookRegistrationError,
  PipelineError,
  UnknownNodeError,
  UnknownDatasetError,
  UnknownNamespaceError,
  EmptyPipelineError,
  NodeDefinitionError,
  DuplicateNodeNameError,
  OutputNotUniqueError,
  CircularDependencyError,
  TranscodingError,
];

/**
 * The exit code for an error: 130 for a cancelled run, 2 for a usage or configuration error found
 * before the run started, 1 for everything else (a failed run).
 */
export function exitCodeFor(error: unknown, runStarted: boolean): ExitCodeValue {
  if (error instanceof RunCancelledError) return ExitCode.cancelled;
  if (!runStarted && USAGE_ERRORS.some((type) => error instanceof type)) return ExitCode.usage;
  return ExitCode.runFailed;
}

/**
 * One clear message and a hint, not a stack trace: the message already names the file, line,
 * dataset or node. `verbose` adds the stack and the chain of causes.
 */
export function formatError(error: unknown, options: { verbose: boolean; color: boolean }): string {
  const paint = pc.createColors(options.color);
  const value = error instanceof Error ? error : new Error(String(error));
  const title = value instanceof SluiceError || value.name === 'Error' ? 'Error' : value.name;
  const lines = [`${paint.red(paint.bold(`${title}:`))} ${value.message}`];
  const hint = value instanceof SluiceError ? value.hint : undefined;
  if (hint !== undefined) lines.push(`${paint.cyan('Hint:')} ${hint}`);
  if (options.verbose) {
    if (value.stack !== undefined) lines.push('', paint.dim(value.stack));
    let cause = value.cause;
    while (cause !== undefined) {
      lines.push(
        paint.dim(`Caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`),
      );
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  } else {
    lines.push(paint.dim('Run again with --verbose to see the stack trace.'));
  }
  return lines.join('\n');
}
