// What the gate's pull needs to know of its clone, read from the files under .git instead of
// asking git (each git process is a few ms on every poll of every agent): the checked-out branch,
// its upstream, and where a ref points. Anything not plain answers undefined, and the caller then
// does what git alone would do: a full fetch and a merge, always correct, only slower.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Upstream {
  /** the remote's name, as `git fetch <remote>` takes it */
  remote: string;
  /** the refspec that fetches the upstream branch alone into its remote-tracking ref */
  refspec: string;
  /** refs/heads/<branch>: the checked-out branch */
  local: string;
  /** refs/remotes/<remote>/<branch>: where the fetch puts the upstream */
  tracking: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The checked-out branch's upstream from .git/HEAD and .git/config, when both are plain. */
export function readUpstream(dir: string): Upstream | undefined {
  const head = readGit(dir, 'HEAD')?.trim();
  if (!head?.startsWith('ref: refs/heads/')) return undefined; // detached, or .git is a file
  const branch = head.slice('ref: refs/heads/'.length);
  const config = readGit(dir, 'config');
  // An include could override anything below; git alone knows what it means.
  if (config === undefined || /^\s*\[include/im.test(config)) return undefined;
  const sections = parseConfig(config);
  const b = sections.get(`branch "${branch}"`);
  const remote = b?.get('remote');
  const merge = b?.get('merge');
  if (!remote || remote === '.' || !merge?.startsWith('refs/heads/')) return undefined;
  // Only the standard mapping (+refs/heads/*:refs/remotes/<remote>/*) says where the upstream lands.
  const fetch = sections.get(`remote "${remote}"`)?.get('fetch');
  if (fetch !== `+refs/heads/*:refs/remotes/${remote}/*`) return undefined;
  const name = merge.slice('refs/heads/'.length);
  const tracking = `refs/remotes/${remote}/${name}`;
  return { remote, refspec: `+${merge}:${tracking}`, local: `refs/heads/${branch}`, tracking };
}

/** A ref's sha from its loose file or packed-refs; undefined when neither names it plainly. */
export function readRef(dir: string, ref: string): string | undefined {
  const loose = readGit(dir, ref)?.trim();
  if (loose !== undefined) return SHA.test(loose) ? loose : undefined;
  for (const line of (readGit(dir, 'packed-refs') ?? '').split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && sha && SHA.test(sha)) return sha;
  }
  return undefined;
}

function readGit(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, '.git', file), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The sections and keys of a git config file, enough for `[branch "x"]` and `[remote "x"]`:
 * a key set twice keeps its first value marked as ambiguous (empty), so the caller gives up.
 */
function parseConfig(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]$/.exec(line);
    if (section) {
      const key = section[2] === undefined ? section[1]!.toLowerCase() : `${section[1]!.toLowerCase()} "${section[2]}"`;
      current = sections.get(key) ?? new Map();
      sections.set(key, current);
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*)$/.exec(line);
    if (!entry || !current) continue;
    const name = entry[1]!.toLowerCase();
    const value = entry[2]!.trim();
    current.set(name, current.has(name) ? '' : value);
  }
  return sections;
}
