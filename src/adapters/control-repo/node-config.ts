import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_PATHS } from '../../domain/control-paths.js';
import { inConfigWorker } from './config-worker.js';
import { lastGoodInFile, type Parsed } from './last-good.js';
import { privatePath } from './private-dir.js';
import { runGit } from '../git/run-git.js';
import type { NodeConfigView } from './node-config-view.js';

export type { NodeConfigView } from './node-config-view.js';

export type LoadedNodeConfig =
  | { ok: true; config: NodeConfigView; key: string; problems: string[]; stale: boolean; cached: boolean }
  | { ok: false; key: string; problems: string[] };

/**
 * The node's config, a last-good record keyed by its files (configKey). When the files are those
 * the last good config was read from, that JSON is the answer and no YAML nor zod is loaded;
 * otherwise they are parsed in a short-lived worker (src/adapters/control-repo/node-config-parse.ts),
 * so the daemon never keeps either library resident. An invalid factory.yaml or repos/ returns
 * the last good config with the problems (stale); an invalid schedule.yaml keeps the last good intervals.
 */
export async function loadNodeConfig(dir: string, lastGood?: NodeConfigView): Promise<LoadedNodeConfig> {
  const key = await configKey(dir);
  const answer = await lastGoodInFile(
    privatePath(dir, 'nodeLastGood'),
    'config',
    key,
    async (previous: NodeConfigView | undefined): Promise<Parsed<NodeConfigView, string>> => {
      const parsed = await inConfigWorker({ kind: 'node-config', dir, ...(previous ? { previous } : {}) });
      // The worker falls back to `previous` itself when factory.yaml or repos/ is invalid: that is a failed parse.
      if (!parsed.ok || parsed.stale) return { ok: false, problems: parsed.problems };
      return { ok: true, value: parsed.config, problems: parsed.problems };
    },
    lastGood,
  );
  if (!answer.ok) return { ok: false, key, problems: answer.problems };
  return { ok: true, config: answer.value, key, problems: answer.problems, stale: answer.stale, cached: answer.cached };
}

/**
 * Changes when anything the config is made of may have changed: the commit checked out, or a
 * file edited in place (a purely local control repo has no pull to tell us). Cheap: one git
 * call and a few stats, so the node can ask every pull period without parsing YAML.
 */
export async function configKey(dir: string): Promise<string> {
  const head = await runGit(dir, ['rev-parse', '--quiet', '--verify', 'HEAD']);
  const stamp = (path: string) => {
    try {
      const s = statSync(join(dir, path));
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  // Every file under repos/: an editor that writes in place leaves the folders' mtimes alone.
  const listed = (folder: string): string[] => {
    try {
      return readdirSync(join(dir, folder), { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .flatMap((e) =>
          e.isDirectory() ? listed(join(folder, e.name)) : [`${join(folder, e.name)}=${stamp(join(folder, e.name))}`],
        );
    } catch {
      return [];
    }
  };
  return [
    head.stdout.trim(),
    stamp(CONTROL_PATHS.factory),
    stamp(CONTROL_PATHS.schedule),
    stamp(CONTROL_PATHS.repos),
    ...listed(CONTROL_PATHS.repos),
  ].join('|');
}
