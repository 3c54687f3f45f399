import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ControlFile } from '../../domain/config/config-set.js';

/** Not config: dependencies, build output, Git's own files, and the local run/state dirs. */
const SKIP = new Set(['node_modules', '.git', 'dist', '.factoryctl']);

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Lists the YAML files of a control repo's working tree (what a push would commit, minus the
 * ignored build and run folders), paths relative to the root with forward slashes, sorted.
 */
export async function listControlFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (SKIP.has(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      if (!entry.isFile()) continue;
      const path = relative(root, full).split(sep).join('/');
      // trust/allowed_signers is no YAML, but validate checks it too
      if (isYamlPath(entry.name) || path === 'trust/allowed_signers') found.push(path);
    }
  };
  await walk(root);
  return found.sort();
}

/** Reads files relative to the root; the domain gets text, never a file handle. */
export async function readControlFiles(root: string, paths: readonly string[]): Promise<ControlFile[]> {
  return Promise.all(paths.map(async (path) => ({ path, text: await readFile(join(root, path), 'utf8') })));
}
