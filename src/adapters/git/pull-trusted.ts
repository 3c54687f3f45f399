// The pull once trust is in play: fetch, judge the new commits of main (once each, cached by sha),
// then move the work tree to the commit the mode says to act on. What is checked out is then
// always trusted in enforce, so every reader of the work tree (gate, node, supervisor, upgrade)
// acts on trusted state without knowing about trust.
import { readTrustState, type TrustState } from '../control-repo/trust-state.js';
import { runGit, type GitResult } from './run-git.js';

export type TrustedMove = { ok: true; trust: TrustState } | { ok: false; error: string };

/** After a good fetch: the trust state for the upstream head, and the work tree moved to what it allows. */
export async function moveToTrusted(dir: string): Promise<TrustedMove> {
  const heads = await runGit(dir, ['rev-parse', 'HEAD', '@{upstream}']);
  if (heads.code !== 0) return { ok: false, error: lastLine(heads) || 'no upstream to pull from' };
  const [local, upstream] = heads.stdout.trim().split('\n') as [string, string];
  const cached = readTrustState(dir);
  // The hot path: nothing new since this head was judged, and the work tree is where it should be.
  const trust =
    cached && cached.head === upstream
      ? cached
      : await (await import('../control-repo/trust-advance.js')).advanceTrust(dir, upstream);
  const target = trust.mode === 'enforce' ? (trust.trusted ?? local) : upstream;
  if (target === local) return { ok: true, trust };
  const forward = await runGit(dir, ['merge', '--ff-only', '--quiet', target]);
  if (forward.code === 0) return { ok: true, trust };
  // Our local main is past the trusted commit (a push of ours on an untrusted head): step back to it.
  const back = await runGit(dir, ['reset', '--keep', '--quiet', target]);
  return back.code === 0 ? { ok: true, trust } : { ok: false, error: lastLine(back) || lastLine(forward) };
}

function lastLine(r: GitResult): string {
  return r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
}
