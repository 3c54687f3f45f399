import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ResolvedRepo } from './merge.js';
import { childPath, entryPath, formatSource } from './provenance.js';

const KEYS: Record<string, string> = { labels: 'name', branchProtection: 'branch', practices: 'id' };

/** The resolved config as YAML, each value followed by the file (and line) it came from. */
export function renderWithProvenance(repo: ResolvedRepo): string {
  const doc = new Document(repo.config);
  annotate(doc.contents as Node, '', repo);
  const head = [
    `# ${repo.slug}: ${repo.file}`,
    `# presets, in order: ${repo.presets.join(', ') || 'none'}`,
    '# "default" marks a value no file set',
  ];
  return `${head.join('\n')}\n${doc.toString({ lineWidth: 0 })}`;
}

function annotate(node: Node, path: string, repo: ResolvedRepo): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      annotate(pair.value as Node, childPath(path, key), repo);
    }
  } else if (isSeq(node)) {
    const key = KEYS[path];
    if (!key && path !== 'env.vars') {
      // a plain list is one value, set whole by one file
      node.flow = true;
      label(node, path, repo);
      return;
    }
    for (const item of node.items) {
      if (key && isMap(item)) annotate(item as Node, entryPath(path, String(item.get(key))), repo);
      else if (isScalar(item)) label(item, entryPath(path, String(item.value)), repo);
    }
  } else if (node) label(node, path, repo);
}

function label(node: Node, path: string, repo: ResolvedRepo): void {
  const src = repo.provenance.get(path);
  node.comment = ` ${src ? formatSource(src) : 'default'}`;
}
