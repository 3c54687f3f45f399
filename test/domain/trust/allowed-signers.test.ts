import { describe, expect, it } from 'vitest';
import { parseAllowedSigners } from '../../../src/domain/trust/allowed-signers.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmBq3iT0lXi1L2d6b9gq0x3RkN7V8y8F0a3lQ5f5a1b';

describe('parseAllowedSigners: git allowed_signers lines, the role in the principal', () => {
  it.each([
    { situation: 'a human', text: `human:alice ${KEY}`, principals: ['human:alice'] },
    {
      situation: 'a node and a supervisor',
      text: `node:big ${KEY}\nsupervisor:big ${KEY} big's key`,
      principals: ['node:big', 'supervisor:big'],
    },
    {
      situation: 'several principals on one key',
      text: `human:alice,human:al ${KEY}`,
      principals: ['human:alice', 'human:al'],
    },
    {
      situation: 'options before the key',
      text: `human:alice namespaces="git" valid-after="20260101" ${KEY}`,
      principals: ['human:alice'],
    },
    {
      situation: 'comments and blank lines',
      text: `# who signs\n\n  \nhuman:alice ${KEY}\n`,
      principals: ['human:alice'],
    },
  ])('reads $situation', ({ text, principals }) => {
    const parsed = parseAllowedSigners(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.signers.map((s) => s.principal)).toEqual(principals);
  });

  it.each([
    { situation: 'a signer with no role', text: `alice ${KEY}`, line: 1, col: 1, message: /has no role/ },
    { situation: 'an unknown role', text: `# c\nrobot:x ${KEY}`, line: 2, col: 1, message: /has no role/ },
    {
      situation: 'the second principal with no role',
      text: `human:a,bob ${KEY}`,
      line: 1,
      col: 9,
      message: /"bob" has no role/,
    },
    { situation: 'no key at all', text: 'human:alice', line: 1, col: 12, message: /missing key type/ },
    {
      situation: 'a key type with no key',
      text: 'human:alice ssh-ed25519',
      line: 1,
      col: 24,
      message: /malformed base64/,
    },
    {
      situation: 'a malformed key',
      text: 'human:alice ssh-ed25519 not*base64',
      line: 1,
      col: 25,
      message: /malformed base64/,
    },
    {
      situation: 'an unknown option',
      text: `human:alice  bogus=1 ${KEY}`,
      line: 1,
      col: 14,
      message: /unknown option/,
    },
  ])('locates $situation', ({ text, line, col, message }) => {
    const { problems } = parseAllowedSigners(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line, col });
    expect(problems[0]!.message).toMatch(message);
  });
});
