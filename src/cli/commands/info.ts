import { createProjectHooks } from '../../project/project-hooks.ts';
import { defaultPlugins } from '../../plugins/default-plugins.ts';
import { discoverPlugins } from '../../hooks/discovery.ts';
import { findConfigFile, loadSettings } from '../../project/settings.ts';
import { SLUICE_VERSION } from '../../version.ts';
import type { CliContext } from '../main.ts';

/** `sluice info`: the version, the plugins found (and disabled), and each hook's implementations in call order. */
export async function infoCommand(context: CliContext): Promise<void> {
  const out = (line = '') => void context.stdout.write(`${line}\n`);
  out(`sluice ${SLUICE_VERSION} (node ${process.version})`);
  if ((await findConfigFile(context.projectPath)) === undefined) {
    // Like `kedro info`, useful anywhere: outside a project, show the plugin packages installed here.
    out(`no project in ${context.projectPath} (no sluice.config.ts)`);
    const { plugins } = await discoverPlugins(context.projectPath);
    out(plugins.length === 0 ? 'no plugin packages installed here' : 'plugin packages installed here:');
    for (const found of plugins) out(`  ${found.name} (package ${found.packageName})`);
    return;
  }
  const settings = await loadSettings(context.projectPath);
  const { manager, discovery } = await createProjectHooks(settings, {
    role: 'main',
    builtIns: defaultPlugins,
  });
  out(`project: ${settings.projectPath}`);
  out();
  out('plugins (registration order):');
  const discovered = new Map(discovery.plugins.map((found) => [found.name, found.packageName]));
  for (const [name, plugin] of manager.plugins()) {
    const origin = discovered.has(name) ? `package ${discovered.get(name)}` : 'sluice.config';
    const process = (plugin as { process?: string }).process === 'main' ? ', main process' : '';
    out(`  ${name} (${origin}${process})`);
  }
  for (const name of discovery.disabled) out(`  ${name} (package, disabled by disableHooksForPlugins)`);
  out();
  out('hooks (implementations in call order):');
  for (const spec of manager.specs()) {
    const impls = manager.hook[spec.name as keyof typeof manager.hook].implementations();
    if (impls.length === 0) continue;
    const described = impls.map((impl) => {
      const flags = [
        impl.wrapper && 'wrapper',
        impl.tryfirst && 'tryfirst',
        impl.trylast && 'trylast',
      ].filter(Boolean);
      return flags.length === 0 ? impl.pluginName : `${impl.pluginName} [${flags.join(', ')}]`;
    });
    out(`  ${spec.name}: ${described.join(' -> ')}`);
  }
}
