import { describe, expect, it } from 'vitest';
import { epochRefusal, slotRefusal } from '../../../src/domain/node/rpc-checks.js';
import { rpcRefusalNotes } from '../../../src/domain/node/rpc-notes.js';
import { parseRpcLine, parseRpcWords, RPC_LIMITS } from '../../../src/domain/node/rpc-request.js';

describe('parseRpcLine: what the supervisor key may ask', () => {
  it.each([
    ['sync', { verb: 'sync' }],
    ['status', { verb: 'status' }],
    ['  status  ', { verb: 'status' }],
    ['logs dev', { verb: 'logs', slot: 'dev', lines: 200 }],
    ['logs dev@owner/name --lines 50', { verb: 'logs', slot: 'dev@owner/name', lines: 50 }],
    ['logs --lines=5000 dev', { verb: 'logs', slot: 'dev', lines: 5000 }],
    ['logs\tdev --lines 1', { verb: 'logs', slot: 'dev', lines: 1 }],
    ['stop dev --epoch 7', { verb: 'stop', slot: 'dev', epoch: 7 }],
    ['stop review@o/r --epoch=0', { verb: 'stop', slot: 'review@o/r', epoch: 0 }],
  ])('accepts %j', (line, request) => {
    expect(parseRpcLine(line)).toEqual({ ok: true, request });
  });

  it.each([
    // 77: not something this key may ask
    ['', 77],
    ['   ', 77],
    ['ls', 77],
    ['rm -rf /', 77],
    ['bash', 77],
    ['SYNC', 77],
    ['git-upload-pack /srv/control.git', 77],
    ['sync; ls', 77],
    ['sync | ls', 77],
    ['sync && ls', 77],
    ['sync & ls', 77],
    ['status $(touch x)', 77],
    ['status `touch x`', 77],
    ['status > /tmp/x', 77],
    ['status < /etc/passwd', 77],
    ['(status)', 77],
    ['sync\nls', 77],
    ['sync\rls', 77],
    ["logs 'dev'", 77],
    ['logs "dev"', 77],
    ['logs dev\\ x', 77],
    // 65: an allowed verb asked wrongly
    ['sync now', 65],
    ['status --json', 65],
    ['status extra', 65],
    ['logs', 65],
    ['logs dev review', 65],
    ['logs dev --lines', 65],
    ['logs dev --lines 0', 65],
    ['logs dev --lines 5001', 65],
    ['logs dev --lines -5', 65],
    ['logs dev --lines 1e3', 65],
    ['logs dev --lines 5 --lines 6', 65],
    ['logs dev --epoch 5', 65],
    ['logs dev -n 5', 65],
    ['logs dev*', 65],
    ['logs ~/x', 65],
    ['logs dév', 65],
    ['stop dev', 65],
    ['stop dev --epoch', 65],
    ['stop dev --epoch x', 65],
    ['stop --epoch 3', 65],
    ['stop dev --epoch 3 --lines 4', 65],
    [`logs ${'a'.repeat(RPC_LIMITS.lineBytes)}`, 65],
  ])('refuses %j with %i', (line, code) => {
    const parsed = parseRpcLine(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.refusal.code).toBe(code);
  });

  it('counts the bound in bytes: a line of 1024 bytes passes, 1025 do not', () => {
    const at = (n: number) => `logs ${'d'.repeat(n - 5)}`;
    expect(parseRpcLine(at(1024)).ok).toBe(true);
    expect(parseRpcLine(at(1025))).toMatchObject({ ok: false, refusal: { code: 65 } });
    // two bytes a character: 600 of them make 1200 bytes
    expect(parseRpcLine(`logs ${'é'.repeat(600)}`)).toMatchObject({ ok: false, refusal: { code: 65 } });
  });

  it('takes words from the command line by the same rules, a metacharacter inside one included', () => {
    expect(parseRpcWords(['logs', 'dev', '--lines', '3'])).toEqual({
      ok: true,
      request: { verb: 'logs', slot: 'dev', lines: 3 },
    });
    expect(parseRpcWords(['status;', 'ls'])).toMatchObject({ ok: false, refusal: { code: 77 } });
    expect(parseRpcWords(['logs', 'dev x'])).toMatchObject({ ok: false, refusal: { code: 65 } });
  });

  it('shows a refused word escaped and bounded, never as sent', () => {
    const parsed = parseRpcLine(`x${'\u001b[2J'.repeat(100)}`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.refusal.reason).not.toContain('\u001b');
      expect(parsed.refusal.reason.length).toBeLessThan(300);
    }
  });
});

describe('slotRefusal and epochRefusal', () => {
  it("knows only this node's slots", () => {
    expect(slotRefusal('dev', ['dev', 'review@o/r'])).toBeUndefined();
    expect(slotRefusal('review@o/r', ['dev', 'review@o/r'])).toBeUndefined();
    expect(slotRefusal('review', ['dev', 'review@o/r'])).toMatchObject({ code: 65 });
    expect(slotRefusal('dev', [])).toMatchObject({ code: 65 });
  });

  it.each([
    [5, 5, undefined],
    [6, 5, undefined],
    [4, 5, 77],
    [0, undefined, undefined],
  ])('asked epoch %i, known %s: %s', (asked, known, code) => {
    expect(epochRefusal(asked, known)?.code).toBe(code);
  });
});

describe('rpcRefusalNotes', () => {
  const line = (request: string, outcome = 'refused') => ({
    request,
    code: 77,
    outcome,
    reason: 'no',
    from: '10.0.0.9',
  });
  it('notes refused requests only, at most five a cycle, the rest counted', () => {
    expect(rpcRefusalNotes([line('ls'), line('status', 'done')])).toEqual(['"ls" exit 77: no (from 10.0.0.9)']);
    const many = rpcRefusalNotes(Array.from({ length: 9 }, (_, i) => line(`x${i}`)));
    expect(many).toHaveLength(6);
    expect(many[5]).toBe("and 4 more refused (see the node's rpc journal)");
  });
});
