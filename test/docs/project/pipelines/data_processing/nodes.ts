/** types.md's declaration imports the row type from here, as a project's src/sluice-datasets.d.ts would. */
export type { Company } from '../../nodes.ts';
