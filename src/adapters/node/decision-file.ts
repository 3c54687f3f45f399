import { readFileSync } from 'node:fs';
import type { NodeDecision } from '../../domain/config/state-schema.js';

/** The node daemon's latest local decision (written atomically by it), if any. */
export function readNodeDecision(path: string): NodeDecision | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as NodeDecision;
    return Array.isArray(parsed.halted) && typeof parsed.node === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
