import type { DataCatalog, SluicePlugin } from '../../plugin-api/index.ts';
import { definePlugin, isParameterName } from '../../plugin-api/index.ts';
import type { PathRule } from './path-rule.ts';
import { applyRule, describeRule } from './path-rule.ts';
import { loadPathRules } from './paths-config.ts';

/** The path rules plugin's name, as registered (and as `disableHooksForPlugins` names it). */
export const PATHS_PLUGIN_NAME = 'sluice:paths';

/** Options of {@link pathsPlugin}. */
export interface PathsOptions {
  /** Where warnings go (a rule that matches no dataset). Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
}

/**
 * Moves dataset locations by the rules of conf/<env>/paths.yml, after the catalog is created: a
 * prefix (`data/` → `/mnt/shared/data/`) or a bucket (`s3://dev-bucket` → `s3://prod-bucket`),
 * for every dataset or those matching a name pattern or a type. The first rule that applies wins.
 * Registered by default and idle until paths.yml declares a rule. The rewrite happens in every
 * process that builds a catalog, so every runner's nodes see the same locations; the warning for
 * a rule that matched nothing is given once, in the main process, before the run starts.
 */
export function pathsPlugin(options: PathsOptions = {}): SluicePlugin & { readonly name: string } {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let rules: PathRule[] = [];
  const matched = new Set<PathRule>();

  return definePlugin({
    name: PATHS_PLUGIN_NAME,
    afterContextCreated({ context }) {
      rules = loadPathRules(context.config);
      matched.clear();
    },
    // First, so that later rewriters (branch data) start from the location the rules give.
    afterCatalogCreated: {
      tryfirst: true,
      handler({ catalog }) {
        if (rules.length === 0) return;
        catalog.rewriteLocations(PATHS_PLUGIN_NAME, (target) => {
          for (const rule of rules) {
            const rewrite = applyRule(rule, target);
            if (rewrite === undefined) continue;
            matched.add(rule);
            return rewrite;
          }
          return undefined;
        });
      },
    },
    beforePipelineRun({ pipeline, catalog }) {
      if (rules.length === 0) return;
      for (const name of datasetNames(catalog, pipeline.datasets())) catalog.locationOf(name);
      for (const rule of rules)
        if (!matched.has(rule))
          log(
            `sluice: path ${describeRule(rule)} matched no dataset of this run; check its prefix, bucket, datasets and types.`,
          );
    },
  });
}

function datasetNames(catalog: DataCatalog, used: Iterable<string>): Set<string> {
  return new Set([...catalog.list(), ...used].filter((name) => !isParameterName(name)));
}
