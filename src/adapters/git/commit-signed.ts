import { git, runGit } from './run-git.js';

/**
 * Commits the given paths of the work tree SSH-signed with `signingKey` (a private key file, or a
 * public one whose private half is in ssh-agent), and pushes it to the upstream when there is one.
 */
export async function commitSignedAndPush(
  dir: string,
  paths: string[],
  message: string,
  signingKey: string,
): Promise<{ sha: string; pushed: boolean }> {
  await git(dir, ['add', '--', ...paths]);
  await git(dir, ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${signingKey}`, 'commit', '-q', '-S', '-m', message]);
  const sha = await git(dir, ['rev-parse', 'HEAD']);
  const upstream = await runGit(dir, ['rev-parse', '--abbrev-ref', '@{upstream}']);
  if (upstream.code !== 0) return { sha, pushed: false };
  const [remote, ...branch] = upstream.stdout.trim().split('/');
  await git(dir, ['push', '-q', remote!, `HEAD:${branch.join('/')}`], { timeoutMs: 60_000 });
  return { sha, pushed: true };
}
