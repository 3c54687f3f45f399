import { DEFAULT_PULL_TIMEOUT_MS } from '../../domain/config/gate-defaults.js';
import type { NodeDecision } from '../../domain/config/state-schema.js';
import { TELEMETRY_FILES } from '../../domain/telemetry-files.js';
import type { NodeTelemetryTexts } from '../../domain/supervisor/status-telemetry.js';
import { runGit } from '../git/run-git.js';

export const TELEMETRY_PREFIX = 'telemetry/';
export const TELEMETRY_DECISION = 'decision.json';

/** Fetches every node's telemetry branch; a failure leaves the last fetched copies. `timeoutMs`: gate.pullTimeout, else its default. */
export async function fetchTelemetry(
  dir: string,
  remote = 'origin',
  timeoutMs = DEFAULT_PULL_TIMEOUT_MS,
): Promise<boolean> {
  const result = await runGit(
    dir,
    [
      'fetch',
      '--quiet',
      '--no-tags',
      '--prune',
      remote,
      `+refs/heads/${TELEMETRY_PREFIX}*:refs/remotes/${remote}/${TELEMETRY_PREFIX}*`,
    ],
    { timeoutMs },
  );
  return result.code === 0;
}

/** One node's telemetry as last committed: its decision (parsed) and the files asked for (raw). */
export interface NodeTelemetry extends NodeTelemetryTexts {
  decision?: NodeDecision;
  /** The branch tip read: liveness is how long the observer has seen it unchanged (never the node's own clock). */
  sha?: string;
}

/**
 * Every node's telemetry files (`only`: that node's alone), from the remote copies and this clone's
 * own branches, in one `git for-each-ref` and one `git cat-file --batch` however many nodes. Where
 * a node has both copies, the one whose decision is newer wins.
 */
export async function readTelemetry(
  dir: string,
  remote = 'origin',
  files: ('history' | 'sample' | 'journal')[] = ['history', 'sample', 'journal'],
  only?: string,
): Promise<Map<string, NodeTelemetry>> {
  const branch = `${TELEMETRY_PREFIX}${only ?? ''}`;
  const listed = await runGit(dir, [
    'for-each-ref',
    '--format=%(objectname) %(refname)',
    `refs/remotes/${remote}/${branch}`,
    `refs/heads/${branch}`,
  ]);
  // A pattern also matches the refs below it (telemetry/<node>/...): only the branch itself counts.
  const lines = listed.stdout.split('\n').filter((l) => l !== '' && (only === undefined || l.endsWith(`/${branch}`)));
  const refs = lines.map((l) => l.slice(l.indexOf(' ') + 1));
  const shas = lines.map((l) => l.slice(0, l.indexOf(' ')));
  const paths = [TELEMETRY_FILES.decision, ...files.map((f) => TELEMETRY_FILES[f])];
  const texts = await readBlobs(
    dir,
    refs.flatMap((ref) => paths.map((p) => `${ref}:${p}`)),
  );
  const out = new Map<string, NodeTelemetry>();
  refs.forEach((ref, i) => {
    const node = ref.slice(ref.indexOf(TELEMETRY_PREFIX) + TELEMETRY_PREFIX.length);
    const text = (k: number) => texts[i * paths.length + k];
    const decision = parseDecision(text(0));
    const known = out.get(node);
    if (known?.decision && (!decision || Date.parse(decision.updatedAt) <= Date.parse(known.decision.updatedAt)))
      return;
    const entry: NodeTelemetry = { node, sha: shas[i]!, ...(decision ? { decision } : {}) };
    files.forEach((f, k) => {
      const t = text(k + 1);
      if (t !== undefined) entry[f] = t;
    });
    out.set(node, entry);
  });
  return out;
}

/** The latest decision each node committed to its telemetry branch (remote copies, and local branches of this clone). */
export async function readNodeDecisions(dir: string, remote = 'origin'): Promise<Map<string, NodeDecision>> {
  const decisions = new Map<string, NodeDecision>();
  for (const [node, t] of await readTelemetry(dir, remote, [])) if (t.decision) decisions.set(node, t.decision);
  return decisions;
}

function parseDecision(text: string | undefined): NodeDecision | undefined {
  if (!text) return undefined;
  try {
    const d = JSON.parse(text) as NodeDecision;
    return typeof d.updatedAt === 'string' && Array.isArray(d.halted) ? d : undefined;
  } catch {
    return undefined; // a node's torn or foreign file: show nothing rather than guess
  }
}

/** `<rev>:<path>` objects in request order, undefined where missing; one process for all. */
async function readBlobs(dir: string, specs: string[]): Promise<(string | undefined)[]> {
  const texts: (string | undefined)[] = specs.map(() => undefined);
  if (specs.length === 0) return texts;
  const result = await runGit(dir, ['cat-file', '--batch'], { input: specs.map((s) => `${s}\n`).join('') });
  if (result.code !== 0) return texts;
  // "<sha> blob <size>\n<content>\n" or "<spec> missing\n"; sizes are bytes, so walk a buffer.
  const out = Buffer.from(result.stdout, 'utf8');
  let pos = 0;
  for (let i = 0; i < specs.length; i++) {
    const eol = out.indexOf(10, pos);
    if (eol < 0) break;
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(out.subarray(pos, eol).toString('utf8'));
    pos = eol + 1;
    if (!match) continue;
    const size = Number(match[2]);
    if (match[1] === 'blob') texts[i] = out.subarray(pos, pos + size).toString('utf8');
    pos += size + 1;
  }
  return texts;
}

/** Each node's telemetry tip as the last fetch brought it (remote-tracking refs only): one for-each-ref. */
export async function telemetryTips(dir: string, remote = 'origin'): Promise<Record<string, string>> {
  const listed = await runGit(dir, [
    'for-each-ref',
    '--format=%(objectname) %(refname)',
    `refs/remotes/${remote}/${TELEMETRY_PREFIX}`,
  ]);
  const prefix = `refs/remotes/${remote}/${TELEMETRY_PREFIX}`;
  const tips: Record<string, string> = {};
  for (const line of listed.stdout.split('\n')) {
    const [sha, ref] = line.split(' ');
    const node = ref?.startsWith(prefix) ? ref.slice(prefix.length) : '';
    if (sha && node && !node.includes('/')) tips[node] = sha;
  }
  return tips;
}
