/** The sluice command's exit codes. */
export const ExitCode = {
  /** The command did what was asked. */
  ok: 0,
  /** A run failed (a node, a load or a save). */
  runFailed: 1,
  /** The command line or the project's configuration is wrong; nothing ran. */
  usage: 2,
  /** The run was cancelled by SIGINT or SIGTERM (128 + SIGINT). */
  cancelled: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
