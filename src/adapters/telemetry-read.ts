import type { NodeDecision } from '../domain/config/state-schema.js';
import { readFilesAt } from './git/read-files.js';
import { runGit } from './git/run-git.js';

export const TELEMETRY_PREFIX = 'telemetry/';
export const TELEMETRY_DECISION = 'decision.json';

/** Fetches every node's telemetry branch; a failure leaves the last fetched copies. */
export async function fetchTelemetry(dir: string, remote = 'origin', timeoutMs = 10_000): Promise<boolean> {
  const result = await runGit(dir, ['fetch', '--quiet', '--no-tags', '--prune', remote, `+refs/heads/${TELEMETRY_PREFIX}*:refs/remotes/${remote}/${TELEMETRY_PREFIX}*`], { timeoutMs });
  return result.code === 0;
}

/** The latest decision each node committed to its telemetry branch (remote copies, and local branches of this clone). */
export async function readNodeDecisions(dir: string, remote = 'origin'): Promise<Map<string, NodeDecision>> {
  const refs = await runGit(dir, ['for-each-ref', '--format=%(refname)', `refs/remotes/${remote}/${TELEMETRY_PREFIX}`, `refs/heads/${TELEMETRY_PREFIX}`]);
  const decisions = new Map<string, NodeDecision>();
  for (const ref of refs.stdout.split('\n').filter(Boolean)) {
    const node = ref.slice(ref.indexOf(TELEMETRY_PREFIX) + TELEMETRY_PREFIX.length);
    const text = (await readFilesAt(dir, ref, [TELEMETRY_DECISION])).get(TELEMETRY_DECISION);
    if (!text) continue;
    try {
      const decision = JSON.parse(text) as NodeDecision;
      const known = decisions.get(node);
      if (!known || Date.parse(decision.updatedAt) > Date.parse(known.updatedAt)) decisions.set(node, decision);
    } catch {
      // a node's torn or foreign file: show nothing rather than guess
    }
  }
  return decisions;
}
