import { INSTALL_COMPONENT_IDS, type InstallComponentId } from '../../common/install';
import { createCommandRunner } from '../core/adapters/command-runner';
import { chooseInstaller, type SourceChoice } from '../core/install/installer';
import { formatProgress, installMany } from '../core/install/install-many';
import { componentSearch } from '../core/install/layout';
import { installersFor } from '../core/install/service';
import { findBinary } from '../core/stack/binaries';
import { spec } from '../core/stack/catalog';
import { InstallError } from '../core/install/errors';
import { CliError, EXIT, homePaths, str, usageError, type Command } from './command';
import { loadSettings } from './doctor';
import { installDocker } from './install-docker';
import { updateSettingsFile } from '../core/settings/editor';

const USAGE = `  install [components...] [--source auto|brew|release] [--runtime native|docker]
                               Install the components (the enabled, missing ones when none are named): Homebrew
                               where it has a formula, else the official release archive, checked against its
                               published SHA-256 sums; progress per component; Ctrl-C cancels cleanly.
                               --runtime docker: pull their images instead and run them as containers
                               (sets stack.components.<id>.runtime); --runtime native sets it back
  install --rollback|--confirm components...
                               After a release upgrade: switch back to the previous version (it did not run), or
                               keep the new one and delete the others; the data is not touched
`;

/**
 * `lookout install`: works without a running Lookout (a first run has none); a running one finds the new
 * binaries at the next start of the component (Lookout's own installs are searched first).
 */
export const installCommand: Command = {
  name: 'install',
  usage: USAGE,
  options: { source: { type: 'string' }, runtime: { type: 'string' }, rollback: { type: 'boolean' }, confirm: { type: 'boolean' } },
  async run(ids, flags) {
    if (flags.rollback === true || flags.confirm === true) return switchVersions(ids, flags);
    const source = (str(flags.source) ?? undefined) as SourceChoice | undefined;
    if (source !== undefined && !['auto', 'brew', 'release'].includes(source)) throw usageError(`--source must be auto, brew or release (got ${source})`, USAGE);
    const runtime = str(flags.runtime) ?? undefined;
    if (runtime !== undefined && runtime !== 'native' && runtime !== 'docker') throw usageError(`--runtime must be native or docker (got ${runtime})`, USAGE);
    if (runtime === 'docker' && source !== undefined) throw usageError('--source applies to native installs, not to --runtime docker', USAGE);
    const unknown = ids.filter((id) => !(INSTALL_COMPONENT_IDS as readonly string[]).includes(id));
    if (unknown.length) throw usageError(`unknown component ${unknown.join(', ')} (one of ${INSTALL_COMPONENT_IDS.join(', ')})`, USAGE);
    const paths = homePaths();
    const loaded = await loadSettings(paths);
    if (!loaded.ok) throw new CliError(loaded.error, EXIT.failure);
    const settings = loaded.settings;
    const runner = createCommandRunner();
    let wanted = ids as InstallComponentId[];
    if (runtime === 'docker') return installDocker(wanted.length ? wanted : INSTALL_COMPONENT_IDS.filter((id) => settings.stack.components[id].enabled), settings, paths);
    if (runtime === 'native' && wanted.length) {
      const back = await updateSettingsFile(paths, wanted.map((id) => ({ path: ['stack', 'components', id, 'runtime'], value: 'native' })), settings);
      if (!back.ok) throw new CliError(`settings.json refused the change: ${back.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, EXIT.failure);
    }
    if (!wanted.length) {
      const missing: InstallComponentId[] = [];
      for (const id of INSTALL_COMPONENT_IDS) {
        const c = settings.stack.components[id];
        if (c.enabled && !(await findBinary(spec(id).binaries, { ...componentSearch(paths.home, id, {}), override: c.binary }))) missing.push(id);
      }
      if (!missing.length) {
        process.stdout.write('Every enabled component is installed; name one to install it anyway (lookout install prometheus).\n');
        return EXIT.ok;
      }
      wanted = missing;
    }
    const { release, brew } = installersFor({ home: paths.home, runner, settings });
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    try {
      const outcomes = await installMany(wanted, {
        choose: (c) => chooseInstaller(c, source ?? settings.install.source, [brew, release]),
        signal: controller.signal,
        onProgress: (e) => process.stdout.write(`${formatProgress(e)}\n`),
      });
      let failed = 0;
      for (const o of outcomes) {
        if ('installed' in o) process.stdout.write(`${o.component.padEnd(13)} installed ${o.installed.version} (${o.installed.source}) in ${o.installed.dir}\n`);
        else {
          failed++;
          process.stderr.write(`${o.component.padEnd(13)} failed: ${o.failure.message}\n${' '.repeat(14)}fix: ${o.failure.fix}\n`);
        }
      }
      return failed ? EXIT.failure : EXIT.ok;
    } finally {
      process.off('SIGINT', cancel);
    }
  },
};

/**
 * `lookout install --rollback|--confirm <components>`: the release installer's upgrade protocol
 * (main/core/install/activation.ts) from the CLI. An upgrade switches `current` to the new version and keeps
 * the old one as `previous`; rollback points `current` back, confirm deletes every other version. The
 * component runs the switched binary from its next start.
 */
async function switchVersions(ids: string[], flags: Record<string, unknown>): Promise<number> {
  if (flags.rollback === true && flags.confirm === true) throw usageError('--rollback and --confirm cannot be used together', USAGE);
  if (flags.source !== undefined) throw usageError('--source applies to an install, not to --rollback or --confirm', USAGE);
  const action = flags.rollback === true ? 'rollback' : 'confirm';
  if (!ids.length) throw usageError(`--${action} needs the components to act on (lookout install --${action} prometheus)`, USAGE);
  const paths = homePaths();
  const loaded = await loadSettings(paths);
  if (!loaded.ok) throw new CliError(loaded.error, EXIT.failure);
  const { release } = installersFor({ home: paths.home, runner: createCommandRunner(), settings: loaded.settings });
  const unknown = ids.filter((id) => !(INSTALL_COMPONENT_IDS as readonly string[]).includes(id) || !release.supports(id as InstallComponentId));
  if (unknown.length) throw usageError(`${unknown.join(', ')}: not installed by release download (one of ${INSTALL_COMPONENT_IDS.filter((id) => release.supports(id)).join(', ')})`, USAGE);
  let failed = 0;
  for (const id of ids as InstallComponentId[]) {
    try {
      if (action === 'rollback') {
        const version = await release.rollback(id);
        process.stdout.write(`${id.padEnd(13)} rolled back to ${version}; restart it to run it (lookout stack restart ${id})\n`);
      } else {
        const removed = await release.confirm(id);
        const current = await release.installedVersion(id);
        process.stdout.write(`${id.padEnd(13)} keeping ${current ?? 'no version'}; ${removed.length ? `removed ${removed.join(', ')}` : 'no other version to remove'}\n`);
      }
    } catch (err) {
      failed++;
      const fix = err instanceof InstallError ? err.fix : 'run lookout doctor';
      process.stderr.write(`${id.padEnd(13)} ${action} failed: ${(err as Error).message}\n${' '.repeat(14)}fix: ${fix}\n`);
    }
  }
  return failed ? EXIT.failure : EXIT.ok;
}
