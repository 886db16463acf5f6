/** The reader's own step hook (step-hooks.md). */
import type { StepFailureContext } from 'sluice';

export function pageOnCall({ node, error, runId }: StepFailureContext): void {
  console.error(`page: ${node.name} failed in run ${runId}: ${error.message}`);
}
