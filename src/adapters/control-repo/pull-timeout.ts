// The time bound on a pull before any config is parsed: gate.pullTimeout of the last good view
// (the one a pull is about to refresh), else the schema's default. Tiny: the gate's early pull reads it.
import { DEFAULT_PULL_TIMEOUT_MS } from '../../domain/config/gate-defaults.js';
import type { ViewParts } from '../../domain/control-view.js';
import { lastGoodRecord, readLastGood } from './last-good.js';
import { privatePath } from './private-dir.js';

export function cachedPullTimeout(dir: string): number {
  const factory = lastGoodRecord<Partial<ViewParts['factory']> | null>(
    readLastGood(privatePath(dir, 'viewCache')),
    'factory',
  )?.value;
  const ms = factory?.gate?.pullTimeoutMs;
  return typeof ms === 'number' ? ms : DEFAULT_PULL_TIMEOUT_MS;
}
