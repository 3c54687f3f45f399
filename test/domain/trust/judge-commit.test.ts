import { describe, expect, it } from 'vitest';
import { parseAllowedSigners } from '../../../src/domain/trust/allowed-signers.js';
import { judgeCommit, type CommitToJudge } from '../../../src/domain/trust/judge-commit.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmBq3iT0lXi1L2d6b9gq0x3RkN7V8y8F0a3lQ5f5a1b';
const { signers } = parseAllowedSigners(`human:alice ${KEY}\nsupervisor:big ${KEY}\nnode:big ${KEY}`);
const good = (principal: string) => ({ signed: true, valid: true, principal, fingerprint: 'SHA256:x' });
const base: CommitToJudge = {
  sha: 'c1',
  parentTrusted: true,
  changed: ['factory.yaml'],
  signature: good('human:alice'),
  signers,
};
const judge = (over: Partial<CommitToJudge>) => judgeCommit({ ...base, ...over });

describe('judgeCommit: signed by a signer allowed at the trusted state, for the files it changes', () => {
  it.each([
    { situation: 'a human changing the config', over: {} },
    {
      situation: 'a supervisor in factory-state/',
      over: { signature: good('supervisor:big'), changed: ['factory-state/halts.yaml'] },
    },
    { situation: 'a human on top of an untrusted commit (vouches for the tree)', over: { parentTrusted: false } },
    {
      situation: 'a human adding a signer',
      over: { changed: ['trust/allowed_signers'], signersText: `human:alice ${KEY}\nhuman:bob ${KEY}` },
    },
  ])('trusts $situation', ({ over }) => {
    expect(judge(over)).toMatchObject({ trusted: true });
  });

  it.each([
    {
      situation: 'an unsigned commit',
      over: { signature: { signed: false, valid: false } },
      signer: 'unsigned',
      reason: 'not signed',
    },
    {
      situation: 'an unknown key',
      over: { signature: { signed: true, valid: false, fingerprint: 'SHA256:m', error: 'not an allowed signer' } },
      signer: 'SHA256:m',
      reason: 'not an allowed signer',
    },
    {
      situation: 'a supervisor outside factory-state/',
      over: { signature: good('supervisor:big') },
      signer: 'supervisor:big',
      reason: 'a supervisor may not change factory.yaml',
    },
    {
      situation: 'a supervisor on top of an untrusted commit',
      over: { signature: good('supervisor:big'), changed: ['factory-state/x'], parentTrusted: false },
      signer: 'supervisor:big',
      reason: 'a supervisor may not sign on top of an untrusted commit',
    },
    {
      situation: 'a node on main',
      over: { signature: good('node:big'), changed: ['factory-state/x'] },
      signer: 'node:big',
      reason: 'a node may not change factory-state/x',
    },
    {
      situation: 'a principal that is no longer listed',
      over: { signature: good('human:carol') },
      signer: 'human:carol',
      reason: 'human:carol is not an allowed signer',
    },
    {
      situation: 'a human removing every signer',
      over: { changed: ['trust/allowed_signers'], signersText: '# nobody\n' },
      signer: 'human:alice',
      reason: 'trust/allowed_signers would leave no human signer',
    },
    {
      situation: 'a human deleting the allowed signers',
      over: { changed: ['trust/allowed_signers'] },
      signer: 'human:alice',
      reason: 'trust/allowed_signers deleted: no signer would be left',
    },
    {
      situation: 'a malformed allowed signers',
      over: { changed: ['trust/allowed_signers'], signersText: 'alice ssh-ed25519 AAAA' },
      signer: 'human:alice',
      reason: 'trust/allowed_signers:1: signer "alice" has no role: write human:NAME, node:NODE or supervisor:NODE',
    },
  ])('refuses $situation', ({ over, signer, reason }) => {
    expect(judge(over)).toEqual({ trusted: false, signer, reason });
  });
});
