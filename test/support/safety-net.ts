/**
 * How long a test waits for an event (a child's exit, a line it prints) before calling it hung.
 * Tests wait on the event itself; this is only the net that turns a hang into a failure. It is
 * sized for a machine whose cores are shared by many busy processes, not for an idle one: a
 * healthy child on a loaded two-core machine has been seen to take 20 s for what takes 1 s idle.
 */
export const SAFETY_NET_MS = 10 * 60_000;
