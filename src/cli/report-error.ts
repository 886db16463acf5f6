import { RunStoreError } from '../run-store/errors.ts';
import { inspect } from 'node:util';
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
import { loadedSecrets } from '../secrets/loaded-secrets.ts';
import type { Redactor } from '../secrets/redactor.ts';
import { SettingsError } from '../project/settings.ts';
import { PluginDiscoveryError } from '../hooks/discovery.ts';
import { HookRegistrationError } from '../hooks/errors.ts';
import type { ExitCodeValue } from './exit-codes.ts';
import { ExitCode } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

/** Errors that mean "fix the command or the project", raised before anything ran. */
const USAGE_ERRORS = [
  UsageError,
  RunStoreError,
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

/** Options of {@link formatError}. */
export interface FormatErrorOptions {
  /** Add the stack and the chain of causes. */
  readonly verbose: boolean;
  readonly color: boolean;
  /** Masks secrets in everything shown. Default: every secret this process loaded (`loadedSecrets()`). */
  readonly redactor?: Redactor;
}

/** How much of a thrown non-error value is shown: enough to recognise it, never a wall of text. */
const INSPECT_OPTIONS = {
  depth: 3,
  maxArrayLength: 20,
  maxStringLength: 500,
  breakLength: Infinity,
  compact: true,
} as const;
/** A cause chain longer than this is cut; cycles are cut at the first repeat. */
const MAX_CAUSES = 20;

/**
 * One clear message and a hint, not a stack trace: the message already names the file, line,
 * dataset or node. `verbose` adds the stack and the chain of causes, each cause once. Every
 * part is redacted, whatever threw it: a plugin's error may quote a connection URL.
 */
export function formatError(error: unknown, options: FormatErrorOptions): string {
  const paint = pc.createColors(options.color);
  const redactor = options.redactor ?? loadedSecrets();
  const safe = redactor.redactError(error);
  const redact = (text: string) => redactor.redact(text);
  const lines: string[] = [];
  if (safe instanceof Error) {
    const title = safe instanceof SluiceError || safe.name === 'Error' ? 'Error' : safe.name;
    lines.push(`${paint.red(paint.bold(`${redact(title)}:`))} ${redact(safe.message)}`);
  } else {
    lines.push(
      `${paint.red(paint.bold('Error:'))} a non-error value was thrown: ${describeThrown(safe, redactor)}`,
    );
  }
  const hint = safe instanceof SluiceError ? safe.hint : undefined;
  if (hint !== undefined) lines.push(`${paint.cyan('Hint:')} ${redact(hint)}`);
  if (options.verbose) {
    if (safe instanceof Error && safe.stack !== undefined) lines.push('', paint.dim(redact(safe.stack)));
    const seen = new Set<unknown>([safe]);
    let cause = causeOf(safe);
    for (let count = 0; cause !== undefined; count++) {
      if (seen.has(cause)) {
        lines.push(paint.dim('Caused by: (the same error as above: the chain of causes loops)'));
        break;
      }
      if (count === MAX_CAUSES) {
        lines.push(paint.dim(`Caused by: ... (more than ${MAX_CAUSES} causes, the rest left out)`));
        break;
      }
      seen.add(cause);
      const shown =
        cause instanceof Error
          ? redact(cause.stack ?? `${cause.name}: ${cause.message}`)
          : describeThrown(cause, redactor);
      lines.push(paint.dim(`Caused by: ${shown}`));
      cause = causeOf(cause);
    }
  } else {
    lines.push(paint.dim('Run again with --verbose to see the stack trace.'));
  }
  return lines.join('\n');
}

/** The `cause` of an error, or of a thrown object that has one. */
function causeOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' && 'cause' in value ? value.cause : undefined;
}

/** A bounded, redacted rendering of a thrown value that is not an Error (`throw { code: 42 }`). */
function describeThrown(value: unknown, redactor: Redactor): string {
  if (typeof value === 'string') return redactor.redact(value);
  return redactor.redact(inspect(redactor.redactValue(value), INSPECT_OPTIONS));
}
