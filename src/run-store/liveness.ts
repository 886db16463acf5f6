import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** The process recording a run: enough to tell later whether it still lives. */
export interface ProcessIdentity {
  readonly host: string;
  readonly pid: number;
  /** The process's start time where the system tells it (Linux), so a reused pid is told apart. */
  readonly started: string | undefined;
}

/**
 * A run recorded on another host is presumed dead once its heartbeat is this old. Its own host
 * asks the system instead, so a long synchronous node (no heartbeat meanwhile) is never misjudged.
 */
export const FOREIGN_RUN_STALE_MS = 10 * 60_000;

export function currentProcess(): ProcessIdentity {
  return { host: hostname(), pid: process.pid, started: processStartTime(process.pid) };
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** What the store knows about a running run's recorder. */
export interface RecorderTrace {
  readonly host: string;
  readonly pid: number;
  readonly processStarted: string | undefined;
  readonly heartbeatAt: number;
}

/** True when the process that recorded a `running` run is provably gone. */
export function recorderIsGone(trace: RecorderTrace, now = Date.now()): boolean {
  if (trace.host !== hostname()) return now - trace.heartbeatAt > FOREIGN_RUN_STALE_MS;
  if (trace.pid === process.pid) return false;
  try {
    process.kill(trace.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (trace.processStarted === undefined) return false;
  const started = processStartTime(trace.pid);
  return started !== undefined && started !== trace.processStarted;
}
