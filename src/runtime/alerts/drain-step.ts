// After a cycle's commit landed: deliver the outbox, bounded in time, then record what is left in a
// commit of its own (fenced like the cycle's), so a crash or a failover loses nothing and sends nothing twice.
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import type { OutboxEntry } from '../../domain/config/alerts-state-schema.js';
import { applyDrain, drainResult, type DrainResult } from '../../domain/alerts/decide-alerts.js';
import { EMPTY_ALERTS, parseAlertsYaml, renderAlertsYaml } from '../../domain/alerts/alerts-file.js';
import { parseDuration } from '../../domain/duration.js';
import { STATE_PATHS, SUPERVISOR_SUBJECT_PREFIX } from '../../domain/supervisor/state-files.js';
import { commitStateFiles } from '../../adapters/control-repo/state-commit.js';
import { drainOutbox } from './outbox.js';
import type { Leadership } from '../supervisor/lease.js';

export interface DrainOutcome {
  /** not yet recorded on main: the next cycle's plan records it */
  pending?: DrainResult;
  notes: string[];
}

export async function drainAndRecord(
  dir: string,
  env: NodeJS.ProcessEnv,
  factory: FactoryConfig,
  lead: Leadership,
  outbox: readonly OutboxEntry[],
  now: () => number,
): Promise<DrainOutcome> {
  if (lead.kind === 'standby' || outbox.length === 0) return { notes: [] };
  const boundMs = parseDuration(factory.alerts.drainTimeout);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), boundMs)));
  const remaining = await Promise.race([
    // Each delivery is cut off a little before the drain's own bound, so its failure is still recorded.
    drainOutbox(
      outbox,
      factory.alerts,
      { env, timeoutMs: Math.max(500, boundMs - 1000), forges: factory.forges },
      now(),
    ).catch((e: Error) => e),
    bound,
  ]).finally(() => clearTimeout(timer));
  if (remaining === 'timeout')
    return { notes: [`alert outbox: delivery took past ${factory.alerts.drainTimeout}; retried next cycle`] };
  if (remaining instanceof Error) return { notes: [`alert outbox: ${remaining.message}; retried next cycle`] };
  const drain = drainResult(outbox, remaining);
  const unchanged = drain.delivered.length === 0 && sameEntries(outbox, remaining);
  if (unchanged) return { notes: [] };
  const notes = [`alert outbox: ${drain.delivered.length} delivered, ${remaining.length} waiting`];
  try {
    await commitStateFiles(
      dir,
      [STATE_PATHS.alerts],
      (current) => {
        const parsed = parseAlertsYaml(current.get(STATE_PATHS.alerts));
        if (!parsed.ok) return null;
        const file = parsed.value ?? EMPTY_ALERTS;
        const text = renderAlertsYaml({ ...file, outbox: applyDrain(file.outbox, drain) });
        return { changes: { [STATE_PATHS.alerts]: text }, message: `${SUPERVISOR_SUBJECT_PREFIX}${notes[0]}` };
      },
      lead.kind === 'leader' ? () => lead.fence() : undefined,
    ).then(async (c) => {
      if (c.changed && lead.kind === 'leader') await lead.confirm();
    });
    return { notes };
  } catch (error) {
    return { pending: drain, notes: [...notes, `(recorded next cycle: ${(error as Error).message})`] };
  }
}

function sameEntries(a: readonly OutboxEntry[], b: readonly OutboxEntry[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
