/**
 * The secrets this process has loaded, for the outputs that serve no single run: the CLI's error
 * report, which runs after the session that loaded them is gone. Every project redactor built
 * with {@link projectRedactor} is remembered here.
 */
import type { ConfigLoader } from '../config/config-loader.ts';
import { Redactor } from './redactor.ts';

let loaded: Redactor = Redactor.none;

/** A redactor masking every secret any project loaded in this process so far. */
export function loadedSecrets(): Redactor {
  return loaded;
}

/** Adds a redactor's secrets to {@link loadedSecrets}. */
export function rememberSecrets(redactor: Redactor): void {
  if (redactor.active) loaded = loaded.with(redactor);
}

/**
 * The redactor of a project's configuration: its credentials (environment values included, since
 * `${env:...}` is resolved into them) by the rules of {@link Redactor.fromCredentials}, with the
 * secret-named variables of `process.env` that appear in them. It is remembered in
 * {@link loadedSecrets}.
 */
export function projectRedactor(config: ConfigLoader): Redactor {
  // A session's ConfigLoader reads `${env:...}` from process.env.
  const redactor = Redactor.fromCredentials(config.get('credentials'), { environment: process.env });
  rememberSecrets(redactor);
  return redactor;
}
