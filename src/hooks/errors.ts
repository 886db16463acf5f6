import { SluiceError } from '../errors.ts';

/** A plugin was rejected at registration: unknown hook, unknown argument, bad options, duplicate name. */
export class HookRegistrationError extends SluiceError {
  readonly pluginName: string;
  readonly hookName: string | undefined;

  constructor(pluginName: string, hookName: string | undefined, message: string, hint?: string) {
    super(message, hint === undefined ? undefined : { hint });
    this.pluginName = pluginName;
    this.hookName = hookName;
  }
}

/** A hook was called in a way its spec forbids (an unknown hook, a historic hook called plainly, a wrapper misbehaving). */
export class HookCallError extends SluiceError {}
