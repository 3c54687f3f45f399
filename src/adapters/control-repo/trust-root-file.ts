// This clone's trust root pin, .git/factoryctl/trust-root (domain/trust/trust-root.ts says why).
import { readFileSync } from 'node:fs';
import { parseTrustRoot, renderTrustRoot } from '../../domain/trust/trust-root.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { privatePath } from './private-dir.js';

/** The pinned fingerprints; none (no file): the root is trusted on first use. */
export function readTrustRoot(dir: string): string[] {
  try {
    return parseTrustRoot(readFileSync(privatePath(dir, 'trustRoot'), 'utf8'));
  } catch {
    return [];
  }
}

export function writeTrustRoot(dir: string, fingerprints: readonly string[]): void {
  writeFileAtomic(privatePath(dir, 'trustRoot'), renderTrustRoot(fingerprints));
}
