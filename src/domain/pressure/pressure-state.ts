import { z } from 'zod';

export type PressureLevel = 0 | 1 | 2 | 3;
export const PRESSURE_LEVELS = [1, 2, 3] as const;

const Since = z.strictObject({ '1': z.number().nullable(), '2': z.number().nullable(), '3': z.number().nullable() });

/**
 * What the node remembers between two decisions and across restarts (stored as JSON). Times
 * are milliseconds since the epoch, always taken from the caller's `now`.
 */
export const PressureState = z.strictObject({
  level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  /** When the current level was entered; stabilisation counts from here. */
  since: z.number().nullable(),
  /** Why the node went to the current level. */
  reason: z.string(),
  /** Per level, since when its halt condition has held without a break. */
  haltSince: Since,
  /** Per level, since when all its signals have been past their resume thresholds. */
  resumeSince: Since,
  /** Signals that could not be measured at the last decision. */
  missing: z.array(z.string()),
  /** The last decision's `now`: a longer gap (daemon down) restarts every timer. */
  evaluatedAt: z.number().nullable(),
});
export type PressureState = z.infer<typeof PressureState>;

export function initialPressureState(): PressureState {
  const none = { '1': null, '2': null, '3': null };
  return { level: 0, since: null, reason: 'no pressure seen yet', haltSince: { ...none }, resumeSince: { ...none }, missing: [], evaluatedAt: null };
}

/** A state read back from disk; anything unreadable starts afresh rather than stopping the node. */
export function readPressureState(json: unknown): { state: PressureState; problem?: string } {
  const parsed = PressureState.safeParse(json);
  if (parsed.success) return { state: parsed.data };
  return { state: initialPressureState(), problem: `stored pressure state unreadable, starting at level 0: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
}
