import { node, Pipeline } from 'sluice';
import { cleanReadings, summarizeDays, writeReport } from './nodes.ts';

export default new Pipeline([
  node(cleanReadings, 'readings', 'clean_readings', { name: 'clean_readings' }),
  node(summarizeDays, ['clean_readings', 'params:warm_threshold'], 'daily_summary', {
    name: 'summarize_days',
  }),
  node(writeReport, ['daily_summary', 'params:units'], 'report', { name: 'write_report' }),
]);
