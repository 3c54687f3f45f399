import { describe, expect, it } from 'vitest';
import { judgeTelemetryTip, type TipSignature } from '../../../src/domain/supervisor/telemetry-trust.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const own: TipSignature = { signed: true, valid: true, principal: 'node:vps2', fingerprint: 'SHA256:own' };
const other: TipSignature = { signed: true, valid: true, principal: 'node:vps1', fingerprint: 'SHA256:other' };
const unknown: TipSignature = {
  signed: true,
  valid: false,
  fingerprint: 'SHA256:stranger',
  error: 'signed by a key that is not an allowed signer',
};
const unsigned: TipSignature = { signed: false, valid: false, error: 'not signed' };

describe("judgeTelemetryTip: a node's telemetry counts only in its own voice", () => {
  it.each([
    { situation: 'own key, enforce', sig: own, mode: 'enforce', use: true, note: undefined },
    {
      situation: 'own key among several principals',
      sig: { ...own, principal: 'supervisor:vps2,node:vps2' },
      mode: 'enforce',
      use: true,
      note: undefined,
    },
    { situation: 'trust off: nothing is checked', sig: unsigned, mode: 'off', use: true, note: undefined },
    {
      situation: "another node's key, enforce",
      sig: other,
      mode: 'enforce',
      use: false,
      note: "telemetry/vps2 tip a1b2c3d4e5f6 is signed by node:vps1, not node:vps2: ignored (trust.mode enforce), the node's last trusted sample stands",
    },
    {
      situation: "another node's key, warn",
      sig: other,
      mode: 'warn',
      use: true,
      note: 'telemetry/vps2 tip a1b2c3d4e5f6 is signed by node:vps1, not node:vps2: used anyway (trust.mode warn)',
    },
    {
      situation: 'a name that only starts like the node',
      sig: { ...own, principal: 'node:vps22' },
      mode: 'enforce',
      use: false,
      note: expect.stringContaining('is signed by node:vps22, not node:vps2: ignored'),
    },
    {
      situation: 'a key nobody allowed',
      sig: unknown,
      mode: 'enforce',
      use: false,
      note: expect.stringContaining(
        'is signed by SHA256:stranger, which is not an allowed signer (signed by a key that is not an allowed signer): ignored',
      ),
    },
    {
      situation: 'unsigned, enforce',
      sig: unsigned,
      mode: 'enforce',
      use: false,
      note: expect.stringContaining('a1b2c3d4e5f6 is not signed: ignored'),
    },
    {
      situation: 'unsigned, warn',
      sig: unsigned,
      mode: 'warn',
      use: true,
      note: expect.stringContaining('is not signed: used anyway'),
    },
  ] as const)('$situation', ({ sig, mode, use, note }) => {
    const verdict = judgeTelemetryTip('vps2', SHA, sig, mode);
    expect(verdict.use).toBe(use);
    expect(verdict.note).toEqual(note);
  });
});
