import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrustRoot, renderTrustRoot, rootRefusal, sshFingerprint } from '../../../src/domain/trust/trust-root.js';

describe("a clone's trust root pin", () => {
  it('fingerprints a public key as ssh-keygen -l does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trust-root-'));
    try {
      const key = join(dir, 'k');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice', '-f', key]);
      const listed = execFileSync('ssh-keygen', ['-l', '-f', `${key}.pub`], { encoding: 'utf8' }).split(' ')[1];
      expect(sshFingerprint(readFileSync(`${key}.pub`, 'utf8'))).toBe(listed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(sshFingerprint('not a key')).toBeUndefined();
  });

  it('round-trips its file, and refuses a root signed by a key it does not pin (none pinned: first use stands)', () => {
    const a = `SHA256:${'A'.repeat(43)}`;
    const b = `SHA256:${'B'.repeat(43)}`;
    expect(parseTrustRoot(renderTrustRoot([a, a, b]))).toEqual([a, b]);
    expect(parseTrustRoot('# nothing\n\nSHA256:short\n')).toEqual([]);
    expect(rootRefusal([], b)).toBeUndefined();
    expect(rootRefusal([a], a)).toBeUndefined();
    expect(rootRefusal([a], b)).toBe(`signed by ${b}, not a key pinned in .git/factoryctl/trust-root`);
  });
});
