import type { NodeRunState, VizEvent, VizRun } from './graph.ts';

/**
 * Applies one event to a run: the one reducer the server (for pages that open mid-run) and the
 * page (for events as they stream in) share, so both always agree. Returns a new run; events of
 * other runs, or for a run not started yet, leave it unchanged.
 */
export function applyEvent(run: VizRun | null, event: VizEvent): VizRun | null {
  if (event.type === 'runStarted') {
    const nodes: Record<string, NodeRunState> = {};
    for (const name of event.nodes) nodes[name] = { status: 'queued' };
    return {
      runId: event.runId,
      pipelineName: event.pipelineName,
      status: 'running',
      startedAt: event.startedAt,
      nodes,
    };
  }
  if (run === null || run.runId !== event.runId) return run;
  const withNode = (name: string, state: NodeRunState): VizRun => ({
    ...run,
    nodes: { ...run.nodes, [name]: state },
  });
  switch (event.type) {
    case 'nodeStarted':
      return withNode(event.node, { status: 'running', attempts: 1 });
    case 'nodeRetried':
      return withNode(event.node, {
        status: 'running',
        attempts: event.attempt + 1,
        message: `attempt ${event.attempt} failed: ${event.message}`,
      });
    case 'nodeEnded':
      return withNode(event.node, {
        status: event.status,
        durationMs: event.durationMs,
        attempts: event.attempts,
        message: event.message,
      });
    case 'nodeSkipped':
      return withNode(event.node, { status: 'skipped', message: event.reason });
    case 'runEnded': {
      const nodes: Record<string, NodeRunState> = { ...run.nodes };
      for (const name of event.skipped)
        if (nodes[name] === undefined || nodes[name].status === 'queued')
          nodes[name] = { status: 'skipped', message: 'not run' };
      return { ...run, nodes, status: event.status, durationMs: event.durationMs, error: event.message };
    }
    case 'annotation': {
      const annotations = { ...run.annotations };
      annotations[event.target] = { ...annotations[event.target], [event.label]: event.text };
      return { ...run, annotations };
    }
  }
}
