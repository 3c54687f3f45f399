import { describe, expect, it } from 'vitest';
import { buildRefusal, untrustedNote, type TrustState } from '../../../src/domain/trust/trust-state.js';

const T = 'a'.repeat(40);
const B = 'b'.repeat(40);
const state = (over: Partial<TrustState>): TrustState => ({ mode: 'enforce', trusted: T, head: B, at: 0, ...over });
const untrusted = { sha: B, signer: 'unsigned', reason: 'not signed' };

describe('what an untrusted head means for the readers and the self-upgrade', () => {
  it.each([
    {
      mode: 'enforce' as const,
      note: `commit bbbbbbbbbbbb (signer unsigned) is not trusted: not signed; acting on the newest trusted commit aaaaaaaaaaaa`,
    },
    {
      mode: 'warn' as const,
      note: 'commit bbbbbbbbbbbb (signer unsigned) is not trusted: not signed; trust.mode is warn, so acting on it anyway',
    },
    { mode: 'off' as const, note: undefined },
  ])('notes an untrusted head in $mode', ({ mode, note }) => {
    expect(untrustedNote(state({ mode, untrusted }))).toBe(note);
  });

  it('says nothing when the head is trusted', () => {
    expect(untrustedNote(state({ head: T }))).toBeUndefined();
  });

  it.each([
    { situation: 'enforce, the trusted commit checked out', s: state({}), head: T, refused: false },
    { situation: 'enforce, another commit checked out', s: state({}), head: B, refused: true },
    { situation: 'enforce, nothing trusted yet', s: state({ trusted: undefined }), head: B, refused: true },
    { situation: 'warn, another commit checked out', s: state({ mode: 'warn' }), head: B, refused: false },
    { situation: 'no trust state', s: undefined, head: B, refused: false },
  ])('self-upgrade: $situation', ({ s, head, refused }) => {
    expect(buildRefusal(s, head) !== undefined).toBe(refused);
  });
});
