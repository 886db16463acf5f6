import type {
  DataCatalog,
  DatasetValidationResult,
  Node,
  ProjectContext,
  SluicePlugin,
} from '../../plugin-api/index.ts';
import {
  ModuleReferences,
  announce,
  definePlugin,
  isDeeplyFrozen,
  isPromiseLike,
} from '../../plugin-api/index.ts';
import type { DatasetPlan } from './dataset-plan.ts';
import { planDataset } from './dataset-plan.ts';
import { DatasetValidationError, ValidationSettingsError } from './errors.ts';
import { describeFailure, redactResult } from './report.ts';
import type { DatasetValidation } from './rules.ts';
import type { ValidationSubject } from './validate-data.ts';
import { validateData } from './validate-data.ts';

/** The validation plugin's name, as registered (and as `disableHooksForPlugins` names it). */
export const VALIDATION_PLUGIN_NAME = 'sluice:validation';

/** Options of {@link validationPlugin}. */
export interface ValidationOptions {
  /**
   * Schemas and expectations in code, by dataset name; they win over the catalog's, key by key.
   * Typed: `schema` takes a Zod schema.
   */
  readonly datasets?: Readonly<Record<string, DatasetValidation>>;
  /** Where warnings and the run's one-line summary go. Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
}

/** The plugin, with the results of this process's last run. */
export interface ValidationPlugin extends SluicePlugin {
  readonly name: string;
  /** Every result announced in this process (the main one sees every runner's), in order. */
  readonly results: readonly DatasetValidationResult[];
}

type PlanSlot = DatasetPlan | null | Promise<DatasetPlan | null>;

/**
 * Checks data against the schemas (`schema: ./src/schemas.ts#Company`, a Zod schema per row) and
 * the expectations (`unique`, `not_null`, `between`...) that catalog entries or code declare:
 * inputs after they load, before the node runs; outputs after the node returns, before any of them
 * is saved. A failure is a `DatasetValidationError`, the node's failure (onNodeError, step hooks,
 * alerts); in `warn` mode it is logged instead. Every check is announced as `afterDatasetValidated`
 * in the main process, for run stores. Registered by default; inert for datasets without a schema.
 */
export function validationPlugin(options: ValidationOptions = {}): ValidationPlugin {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const code = options.datasets ?? {};
  let project: ProjectContext | undefined;
  let catalog: DataCatalog | undefined;
  let references = new ModuleReferences(process.cwd());
  let plans = new Map<string, PlanSlot>();
  const results: DatasetValidationResult[] = [];

  const redact = (text: string) =>
    project !== undefined ? project.redact(text) : (catalog?.redactor.redact(text) ?? text);

  const planFor = (datasetName: string): PlanSlot => {
    const known = plans.get(datasetName);
    if (known !== undefined) return known;
    const annotations = catalog?.annotations(datasetName) ?? {};
    const inCode = code[datasetName];
    let slot: PlanSlot;
    if (inCode === undefined && annotations.schema === undefined && annotations.expectations === undefined) {
      slot = null;
    } else {
      const locate = (path: readonly string[]) => catalog?.locateSetting(datasetName, path);
      // This run's plans: a later run (a new catalog) starts a map of its own.
      const runPlans = plans;
      slot = planDataset(datasetName, annotations, inCode, locate, references).then((plan) => {
        runPlans.set(datasetName, plan ?? null);
        return plan ?? null;
      });
      // A failed plan is reported by every dataset check that needs it, not cached as a success.
      slot.catch(() => runPlans.delete(datasetName));
    }
    plans.set(datasetName, slot);
    return slot;
  };

  /** Announces the result (messages redacted), then fails the node, warns, or lets it pass. */
  const conclude = (checked: DatasetValidationResult): void | Promise<void> => {
    const result = checked.status === 'passed' ? checked : redactResult(checked, redact);
    const after = () => {
      if (result.status === 'failed') throw new DatasetValidationError(result, redact);
      if (result.status === 'warned') log(`sluice validation warning: ${redact(describeFailure(result))}`);
    };
    const announced =
      project === undefined ? undefined : announce(project, 'afterDatasetValidated', { result });
    return isPromiseLike(announced) ? announced.then(after) : after();
  };

  const check = (slot: PlanSlot, data: unknown, subject: ValidationSubject): void | Promise<void> => {
    if (slot === null) return undefined;
    if (isPromiseLike(slot)) return slot.then((plan) => check(plan, data, subject));
    const result = validateData(slot, data, subject);
    return isPromiseLike(result) ? result.then(conclude) : conclude(result);
  };

  /**
   * Frozen values that passed a plan (or only warned). A frozen value can't change, and every node
   * that reads a shared load, a memory dataset or a `cached` dataset's saved value gets the same
   * one: checked once, when a node returns it frozen or when the first reader loads it.
   */
  let checkedFrozen = new WeakMap<DatasetPlan, WeakSet<object>>();

  const checkOnce = (slot: PlanSlot, data: unknown, subject: ValidationSubject): void | Promise<void> => {
    if (slot === null) return undefined;
    if (isPromiseLike(slot)) return slot.then((plan) => checkOnce(plan, data, subject));
    if (!isFrozenValue(data)) return check(slot, data, subject);
    let checked = checkedFrozen.get(slot);
    if (checked?.has(data) === true) return undefined;
    const remember = () => {
      if (checked === undefined) checkedFrozen.set(slot, (checked = new WeakSet()));
      checked.add(data);
    };
    // A failure throws before `remember`: the next reader's load is checked (and fails) again.
    const done = check(slot, data, subject);
    return isPromiseLike(done) ? done.then(remember) : remember();
  };

  return definePlugin({
    name: VALIDATION_PLUGIN_NAME,
    results,
    afterContextCreated({ context }) {
      project = context;
      references = new ModuleReferences(context.projectPath);
      plans = new Map();
      results.length = 0;
    },
    afterCatalogCreated({ catalog: created }) {
      catalog = created;
      plans = new Map();
      checkedFrozen = new WeakMap();
    },
    async validatePipelineRun({ pipeline, catalog: runCatalog }) {
      // Main process, before anything runs: every schema and expectation of the run must resolve.
      catalog = runCatalog;
      const problems: Error[] = [];
      for (const datasetName of pipeline.datasets()) {
        try {
          await planFor(datasetName);
        } catch (error) {
          problems.push(error as Error);
        }
      }
      if (problems.length === 1) throw problems[0]!;
      if (problems.length > 1) throw new ValidationSettingsError(problems);
    },
    afterDatasetLoaded({ datasetName, data, node }) {
      const slot = plans.get(datasetName) ?? planFor(datasetName);
      if (slot === null) return undefined;
      return checkOnce(slot, data, subjectOf(datasetName, node, project, 'load'));
    },
    // First, so that no other plugin records a node whose outputs are about to be rejected.
    afterNodeRun: {
      tryfirst: true,
      handler({ node, outputs, catalog: runCatalog, runId }) {
        catalog ??= runCatalog;
        // Every output is checked and announced; the first failure fails the node.
        const failures: unknown[] = [];
        const pending: Promise<void>[] = [];
        for (const datasetName of node.outputs) {
          const slot = plans.get(datasetName) ?? planFor(datasetName);
          if (slot === null) continue;
          const subject: ValidationSubject = { datasetName, nodeName: node.name, runId, stage: 'save' };
          try {
            const checked = checkOnce(slot, outputs[datasetName], subject);
            if (isPromiseLike(checked)) pending.push(Promise.resolve(checked));
          } catch (error) {
            failures.push(error);
          }
        }
        if (pending.length === 0) {
          if (failures.length > 0) throw failures[0];
          return undefined;
        }
        return Promise.allSettled(pending).then((settled) => {
          for (const outcome of settled) if (outcome.status === 'rejected') failures.push(outcome.reason);
          if (failures.length > 0) throw failures[0];
        });
      },
    },
    afterDatasetValidated({ result }) {
      results.push(result);
    },
    afterPipelineRun() {
      if (results.length === 0) return;
      const failed = results.filter((result) => result.status !== 'passed').length;
      const datasets = [...new Set(results.map((result) => result.datasetName))];
      log(
        `sluice validation: ${results.length} check(s) of ${datasets.length} dataset(s) (${datasets.join(', ')}), ${failed === 0 ? 'all passed' : `${failed} with warnings`}.`,
      );
    },
  });
}

/** An object frozen all the way down: what a shared load or a memory dataset hands every reader. */
function isFrozenValue(data: unknown): data is object {
  return typeof data === 'object' && data !== null && Object.isFrozen(data) && isDeeplyFrozen(data);
}

function subjectOf(
  datasetName: string,
  node: Node,
  project: ProjectContext | undefined,
  stage: 'load' | 'save',
): ValidationSubject {
  return { datasetName, nodeName: node.name, runId: project?.runId ?? '', stage };
}
