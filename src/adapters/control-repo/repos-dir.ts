import { readdir, readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import type { ConfigProblem } from '../../errors.js';
import { RepoFile } from '../../domain/config/repo-schema.js';
import { parseYamlWithSchema } from '../../domain/config/parse-yaml.js';
import type { Layer } from '../../domain/repos/merge.js';
import { isNode, type Document } from 'yaml';

/** What repos/ holds: repository files by slug, presets by name, and every problem found reading them. */
export interface ReposDir {
  repos: Map<string, Layer>;
  presets: Map<string, Layer>;
  problems: ConfigProblem[];
}

/** Reads every repos/**.yaml under the control repo `root`; paths in problems are relative to root. */
export async function readReposDir(root: string): Promise<ReposDir> {
  const out: ReposDir = { repos: new Map(), presets: new Map(), problems: [] };
  const files = await listFiles(join(root, 'repos'));
  for (const abs of files.sort()) {
    const file = relative(root, abs).split(sep).join('/');
    const inPresets = file.startsWith('repos/presets/');
    if (inPresets && file.startsWith('repos/presets/practices/')) continue; // documents, read on demand
    if (!/\.ya?ml$/.test(file)) continue;
    if (file.endsWith('.yml')) {
      out.problems.push(problem(file, 'rename to .yaml: factoryctl reads repos/**.yaml only', 'warning'));
      continue;
    }
    const parts = file.slice('repos/'.length, -'.yaml'.length).split('/');
    if (!inPresets && parts.length !== 2) {
      out.problems.push(
        problem(file, 'misplaced: a repository is repos/<owner>/<name>.yaml, a preset repos/presets/<name>.yaml'),
      );
      continue;
    }
    const text = await readFile(abs, 'utf8');
    const parsed = parseYamlWithSchema(file, text, RepoFile);
    if (!parsed.ok) {
      out.problems.push(...parsed.problems);
      continue;
    }
    const layer: Layer = { file, value: parsed.value as Record<string, unknown>, locate: locator(parsed.doc, text) };
    if (inPresets) out.presets.set(posix.join(...parts.slice(1)), layer);
    else out.repos.set(parts.join('/'), layer);
  }
  return out;
}

/** A practice document, path relative to repos/presets/ (the schema keeps it inside practices/). */
export async function readPractice(root: string, file: string): Promise<string> {
  return readFile(join(root, 'repos', 'presets', ...file.split('/')), 'utf8');
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat();
}

function locator(doc: Document, text: string): Layer['locate'] {
  return (path) => {
    const node = doc.getIn(path, true);
    if (!isNode(node) || !node.range) return undefined;
    const before = text.slice(0, node.range[0]);
    const line = before.split('\n').length;
    return { line, col: node.range[0] - before.lastIndexOf('\n') };
  };
}

function problem(file: string, message: string, severity: ConfigProblem['severity'] = 'error'): ConfigProblem {
  return { file, line: 1, col: 1, field: '', message, severity };
}
