import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { SluicePlugin } from '../hooks/index.ts';
import { ExitCode } from './exit-codes.ts';

/** The plugin name under which `sluice run` listens for SIGINT and SIGTERM. */
export const SIGNALS_PLUGIN_NAME = 'sluice:signals';

/** What `sluice run` needs from its interruption handling. */
export interface RunInterruption {
  /** Aborted by the first SIGINT or SIGTERM once the run started: the runners stop scheduling. */
  readonly signal: AbortSignal;
  /** Registered on the session's hooks: starts listening when the pipeline run starts. */
  readonly plugin: SluicePlugin;
  /** Stops listening and ends the watchdog. Call once the run is over, however it ended. */
  dispose(): void;
}

/**
 * SIGINT and SIGTERM for `sluice run`.
 *
 * - Until the run starts (`beforePipelineRun`), nothing listens: a signal has its default effect
 *   and ends the process at once, even in the middle of reading configuration, which is
 *   synchronous and so could not run a JavaScript listener until it finished. Nothing ran yet,
 *   so there is nothing to finish.
 * - During the run, the first signal aborts `signal` (running nodes settle, nothing new starts,
 *   exit 130) and a second one exits with 130 at once.
 * - A node that computes synchronously keeps the main thread busy, so no JavaScript listener can
 *   run until it returns. A watchdog process (a few lines of `/bin/sh`, in Sluice's process group
 *   so that a terminal's Ctrl-C reaches it too) counts the signals it receives; on the second one,
 *   if Sluice hasn't exited by itself within half a second, it kills Sluice with SIGKILL (exit
 *   status 137, and no hook runs). A signal sent to Sluice's process alone (`kill <pid>`) doesn't
 *   reach the watchdog: only the listener sees it, once the main thread is free.
 */
export function interruptRunOnSignals(stderr: NodeJS.WritableStream): RunInterruption {
  const controller = new AbortController();
  let received = 0;
  let watchdog: ChildProcess | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received > 1) process.exit(ExitCode.cancelled);
    stderr.write(
      `\nReceived ${signal}: finishing the running nodes, then stopping (send it again to stop at once).\n`,
    );
    // A signal sent to this process alone didn't reach the watchdog: tell it the next one is the second.
    watchdog?.stdin?.write('armed\n');
    controller.abort(signal);
  };
  let listening = false;
  const listen = async () => {
    if (listening) return;
    listening = true;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const started = await startWatchdog();
    if (!listening) started?.kill('SIGKILL');
    else watchdog = started;
    if (received > 0) watchdog?.stdin?.write('armed\n');
  };
  return {
    signal: controller.signal,
    plugin: {
      name: SIGNALS_PLUGIN_NAME,
      beforePipelineRun: { tryfirst: true, handler: listen },
    },
    dispose() {
      if (!listening) return;
      listening = false;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      watchdog?.kill('SIGKILL');
      watchdog = undefined;
    },
  };
}

/**
 * The watchdog, in POSIX sh. `$PPID` is Sluice. A trapped signal interrupts `read`, so the loop
 * tells end of input (Sluice is gone: exit) from a signal (read again). After its first signal it
 * waits half a second for Sluice to say it heard it ("armed" on stdin); when Sluice doesn't, a node
 * is blocking the main thread, and the watchdog prints what Ctrl-C does now.
 */
const WATCHDOG_SCRIPT = `
armed=0; heard=0; interrupted=0; name=
first() {
  interrupted=1; name=$1
  if [ "$armed" = 1 ]; then
    sleep 0.5
    if kill -0 "$PPID" 2>/dev/null; then
      printf '\\nReceived SIG%s again: stopping at once (SIGKILL, exit status 137) while a node runs synchronously. Its outputs may be incomplete, and no onPipelineError or afterCommandRun hook runs.\\n' "$1" >&2
      kill -KILL "$PPID"
    fi
    exit 0
  fi
  armed=1
  (sleep 0.5; kill -USR1 $$ 2>/dev/null) &
}
late() {
  interrupted=1
  if [ "$heard" = 0 ] && kill -0 "$PPID" 2>/dev/null; then
    printf '\\nReceived SIG%s while a node runs synchronously: Sluice stops once it returns. Press Ctrl-C again to stop at once.\\n' "$name" >&2
  fi
}
trap 'first INT' INT
trap 'first TERM' TERM
trap late USR1
echo ready
while :; do
  if read -r line; then
    if [ "$line" = armed ]; then armed=1; heard=1; fi
  elif [ "$interrupted" = 1 ]; then
    interrupted=0
  else
    exit 0
  fi
done
`;

/**
 * Starts the watchdog and waits until its traps are set (it prints "ready"): a node that starts
 * spinning before then would leave a window where Ctrl-C kills the watchdog instead.
 */
async function startWatchdog(): Promise<ChildProcess | undefined> {
  if (process.platform === 'win32') return undefined;
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'sluice-watchdog'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
  } catch {
    // Without /bin/sh, Sluice still works: only the second signal during a synchronous node waits.
    return undefined;
  }
  child.stdin?.on('error', () => {});
  const ready = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.once('exit', () => resolve(false));
    child.stdout?.once('data', () => resolve(true));
  });
  child.stdout?.destroy();
  if (!ready) return undefined;
  // The watchdog must never keep Sluice alive.
  child.unref();
  (child.stdin as { unref?: () => void } | null)?.unref?.();
  return child;
}
