export type PressureLevel = 0 | 1 | 2 | 3;
export const PRESSURE_LEVELS = [1, 2, 3] as const;

type Since = { '1': number | null; '2': number | null; '3': number | null };

/**
 * What the node remembers between two decisions and across restarts (stored as JSON). Times
 * are milliseconds since the epoch, always taken from the caller's `now`. Checked by hand, not
 * with zod: the node daemon reads it at every start and must not keep a schema library resident.
 */
export interface PressureState {
  level: PressureLevel;
  /** When the current level was entered; stabilisation counts from here. */
  since: number | null;
  /** Why the node went to the current level. */
  reason: string;
  /** Per level, since when its halt condition has held without a break. */
  haltSince: Since;
  /** Per level, since when all its signals have been past their resume thresholds. */
  resumeSince: Since;
  /** Signals that could not be measured at the last decision. */
  missing: string[];
  /** The last decision's `now`: a longer gap (daemon down) restarts every timer. */
  evaluatedAt: number | null;
}

export function initialPressureState(): PressureState {
  const none = { '1': null, '2': null, '3': null };
  return {
    level: 0,
    since: null,
    reason: 'no pressure seen yet',
    haltSince: { ...none },
    resumeSince: { ...none },
    missing: [],
    evaluatedAt: null,
  };
}

const KEYS = ['level', 'since', 'reason', 'haltSince', 'resumeSince', 'missing', 'evaluatedAt'];
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const exactKeys = (v: Record<string, unknown>, keys: string[]) =>
  Object.keys(v).length === keys.length && keys.every((k) => k in v);

/** Why `json` is not a PressureState, or undefined when it is one. */
function problemOf(json: unknown): string | undefined {
  if (!isRecord(json)) return 'not an object';
  if (!exactKeys(json, KEYS)) return `expected the fields ${KEYS.join(', ')}`;
  if (![0, 1, 2, 3].includes(json.level as number)) return `level: ${JSON.stringify(json.level)} is not 0-3`;
  for (const k of ['since', 'evaluatedAt']) if (!numberOrNull(json[k])) return `${k}: not a number or null`;
  if (typeof json.reason !== 'string') return 'reason: not a string';
  for (const k of ['haltSince', 'resumeSince']) {
    const since = json[k];
    if (!isRecord(since) || !exactKeys(since, ['1', '2', '3']) || !Object.values(since).every(numberOrNull))
      return `${k}: expected numbers or null for levels 1, 2, 3`;
  }
  if (!Array.isArray(json.missing) || !json.missing.every((m) => typeof m === 'string'))
    return 'missing: not a list of strings';
  return undefined;
}

/** A state read back from disk; anything unreadable starts afresh rather than stopping the node. */
export function readPressureState(json: unknown): { state: PressureState; problem?: string } {
  const problem = problemOf(json);
  if (problem === undefined) return { state: json as PressureState };
  return {
    state: initialPressureState(),
    problem: `stored pressure state unreadable, starting at level 0: ${problem}`,
  };
}
