import { LEVEL_KEYS, type LevelKey } from '../config/level-keys.js';
import type { Policy } from '../config/policy-schema.js';
import { formatDuration, parseDuration } from '../duration.js';
import { readLevel, type LevelReading } from './level-signals.js';
import type { PressureLevel, PressureState } from './pressure-state.js';
import type { Sample } from './sample.js';

export type PressureEvent =
  | { kind: 'level-changed'; at: number; from: PressureLevel; to: PressureLevel; reason: string }
  | { kind: 'halt-pending'; at: number; level: PressureLevel; reason: string }
  | { kind: 'spike-ignored'; at: number; level: PressureLevel; reason: string }
  | { kind: 'signals-missing'; at: number; signals: string[]; reason: string }
  | { kind: 'signals-restored'; at: number; reason: string };

export interface PressureDecision {
  state: PressureState;
  level: PressureLevel;
  changed: boolean;
  /** Why the node is where it is now, with figures. */
  reason: string;
  /** Transitions worth a line in the journal; empty on an ordinary tick. */
  events: PressureEvent[];
}

// Beyond this many sample intervals without a decision the record has a hole (daemon down,
// clock jump): timers restart rather than count time nobody watched.
const GAP_INTERVALS = 3;

/**
 * One tick of the node's graduated response. Levels engage once their halt condition has held
 * for `hold`, straight to the highest such level; they are released one at a time, each after
 * its resume condition has held for `resumeHold` and `stabilisation` has passed since the last
 * change. `sample` undefined (sampler failed) or stale counts as every signal missing.
 */
export function decidePressure(
  prev: PressureState,
  sample: Sample | undefined,
  policy: Policy,
  now: number,
): PressureDecision {
  const sampleInterval = parseDuration(policy.sampleInterval);
  const hold = parseDuration(policy.hold);
  const resumeHold = parseDuration(policy.resumeHold);
  const stabilisation = parseDuration(policy.stabilisation);
  const gap =
    prev.evaluatedAt !== null && (now < prev.evaluatedAt || now - prev.evaluatedAt > GAP_INTERVALS * sampleInterval);
  const fresh = sample !== undefined && now - sample.at <= GAP_INTERVALS * sampleInterval ? sample : undefined;
  const events: PressureEvent[] = [];
  const haltSince = { ...prev.haltSince };
  const resumeSince = { ...prev.resumeSince };
  const readings = {} as Record<LevelKey, LevelReading>;

  for (const key of LEVEL_KEYS) {
    const level = Number(key) as PressureLevel;
    const reading = readLevel(policy.levels[key], fresh, policy.mounts);
    readings[key] = reading;
    const heldSince = gap ? null : prev.haltSince[key];
    if (reading.halting) {
      haltSince[key] = heldSince ?? now;
      if (heldSince === null && hold > 0 && prev.level < level) {
        events.push({
          kind: 'halt-pending',
          at: now,
          level,
          reason: `level ${level} engages in ${formatDuration(hold)} if it lasts: ${texts(reading, 'halting')}`,
        });
      }
    } else if (reading.unknown) {
      // Not knowing is not recovering: keep the streak, it neither grows a halt nor starts a resume.
      haltSince[key] = heldSince;
    } else {
      haltSince[key] = null;
      if (heldSince !== null && prev.level < level) {
        events.push({
          kind: 'spike-ignored',
          at: now,
          level,
          reason: `level ${level} condition lasted ${formatDuration(now - heldSince)}, under the ${formatDuration(hold)} hold: ignored`,
        });
      }
    }
    resumeSince[key] = reading.resumed ? ((gap ? null : prev.resumeSince[key]) ?? now) : null;
  }

  const missing = [
    ...new Set(LEVEL_KEYS.flatMap((k) => readings[k].readings.filter((r) => r.missing).map((r) => r.signal))),
  ];
  if (missing.join() !== prev.missing.join()) {
    if (missing.length > 0)
      events.push({
        kind: 'signals-missing',
        at: now,
        signals: missing,
        reason: `not measured: ${missing.join(', ')}; no resume until they are`,
      });
    else events.push({ kind: 'signals-restored', at: now, reason: 'every signal measured again' });
  }

  const base = { haltSince, resumeSince, missing, evaluatedAt: now };
  const engaged = LEVEL_KEYS.filter((k) => haltSince[k] !== null && now - haltSince[k]! >= hold).map(
    Number,
  ) as PressureLevel[];
  const up = engaged.length > 0 ? (Math.max(...engaged) as PressureLevel) : 0;

  if (up > prev.level) {
    const key = String(up) as LevelKey;
    const held = now - haltSince[key]!;
    const reason = `level ${up}: ${texts(readings[key], 'halting')}${held > 0 ? ` for ${formatDuration(held)}` : ''}`;
    events.push({ kind: 'level-changed', at: now, from: prev.level, to: up, reason });
    return { state: { ...base, level: up, since: now, reason }, level: up, changed: true, reason, events };
  }

  if (prev.level > 0) {
    const key = String(prev.level) as LevelKey;
    const started = resumeSince[key];
    const resumedFor = started === null ? 0 : now - started;
    const settledFor = prev.since === null ? Infinity : now - prev.since;
    if (started !== null && resumedFor >= resumeHold && settledFor >= stabilisation) {
      const to = (prev.level - 1) as PressureLevel;
      const reason = `level ${prev.level} released: ${texts(readings[key], 'resumed')} for ${formatDuration(resumedFor)}`;
      events.push({ kind: 'level-changed', at: now, from: prev.level, to, reason });
      return { state: { ...base, level: to, since: now, reason }, level: to, changed: true, reason, events };
    }
    const reason =
      started === null
        ? `level ${prev.level} holds: ${texts(readings[key], 'blocking')}`
        : resumedFor < resumeHold
          ? `level ${prev.level} resuming: ${texts(readings[key], 'resumed')} for ${formatDuration(resumedFor)} of the ${formatDuration(resumeHold)} resume hold`
          : `level ${prev.level} resuming: waiting out the ${formatDuration(stabilisation)} stabilisation (${formatDuration(stabilisation - settledFor)} left)`;
    return { state: { ...prev, ...base }, level: prev.level, changed: false, reason, events };
  }

  const pending = LEVEL_KEYS.filter((k) => haltSince[k] !== null).at(-1);
  const reason = pending
    ? `level ${pending} pending: ${texts(readings[pending], 'halting')} for ${formatDuration(now - haltSince[pending]!)} of the ${formatDuration(hold)} hold`
    : missing.length > 0
      ? `no pressure measured; not measured: ${missing.join(', ')}`
      : 'no pressure: every signal within limits';
  return { state: { ...prev, ...base }, level: 0, changed: false, reason, events };
}

/** The sentences of one level's signals: those halting, those resumed, or those still blocking a resume. */
function texts(reading: LevelReading, which: 'halting' | 'resumed' | 'blocking'): string {
  const chosen = reading.readings.filter((r) =>
    which === 'halting' ? r.halting : which === 'resumed' ? r.resumed : !r.resumed,
  );
  return chosen.length > 0 ? chosen.map((r) => r.text).join(' and ') : 'no signal configured';
}
