// The trust root's pin: which keys may sign the first commit that brings trust/allowed_signers.
// Without one, a clone trusts that commit on first use (its own signers vouch for it), so a fresh
// clone of a main rewritten from scratch would trust whoever rewrote it; the pin lives outside the
// repo (.git/factoryctl/trust-root), where a push cannot reach it.
import { createHash } from 'node:crypto';

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** `SHA256:...` of an SSH public key (`ssh-ed25519 AAAA... comment`), as ssh-keygen -l prints it. */
export function sshFingerprint(publicKey: string): string | undefined {
  const [type, blob] = publicKey.trim().split(/\s+/);
  if (!type || !blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return undefined;
  // The key blob names its own type first (a length, then the name): anything else is not a key.
  const bytes = Buffer.from(blob, 'base64');
  if (bytes.length < 4 + type.length || bytes.toString('latin1', 4, 4 + bytes.readUInt32BE(0)) !== type)
    return undefined;
  const digest = createHash('sha256').update(bytes).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

export function isFingerprint(text: string): boolean {
  return FINGERPRINT.test(text);
}

/** The pin file's fingerprints, one per line; `#` comments and blank lines are skipped. */
export function parseTrustRoot(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => isFingerprint(l));
}

export function renderTrustRoot(fingerprints: readonly string[]): string {
  return `# Keys that may sign the trust root of this clone's control repo (factoryctl trust pin)\n${[...new Set(fingerprints)].join('\n')}\n`;
}

/** Why a trust root signed by `fingerprint` is refused under these pins; undefined: it may stand. */
export function rootRefusal(pins: readonly string[], fingerprint: string | undefined): string | undefined {
  if (pins.length === 0 || (fingerprint !== undefined && pins.includes(fingerprint))) return undefined;
  return `signed by ${fingerprint ?? 'no key'}, not a key pinned in .git/factoryctl/trust-root`;
}
