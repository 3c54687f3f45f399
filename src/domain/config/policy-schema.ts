import { z } from 'zod';
import { Duration } from './common.js';
import type { LevelKey } from './level-keys.js';

// Memory figures are MiB as /proc reports them (kB = KiB); "2000 MB" in the old factory meant the same.

/** A signal that is bad when LOW (available memory): halt below `halt`, resume only above `resume`. */
const LowThreshold = z
  .strictObject({
    halt: z.number().min(0).describe('halt when the signal falls below this'),
    resume: z.number().min(0).describe('resume only once the signal is back above this (>= halt)'),
  })
  .refine((t) => t.resume >= t.halt, {
    message: 'resume must be >= halt: memory must recover past the halt line',
    path: ['resume'],
  });

const highShape = {
  halt: z.number().min(0).describe('halt when the signal rises above this'),
  resume: z.number().min(0).describe('resume only once the signal is back below this (<= halt)'),
};
const highIsOrdered = (t: { halt: number; resume: number }) => t.resume <= t.halt;
const highMessage = {
  message: 'resume must be <= halt: the signal must fall back past the halt line',
  path: ['resume'],
};

/** A signal that is bad when HIGH (disk use, load): halt above `halt`, resume only below `resume`. */
const HighThreshold = z.strictObject(highShape).refine(highIsOrdered, highMessage);

/**
 * Swap alone is not pressure (pages stay swapped out long after memory recovers), so it can be
 * tied to memory: halt when swap is high AND memory is low; resume when swap is low OR memory is back.
 */
const SwapThreshold = z
  .strictObject({
    ...highShape,
    whenMemAvailableBelowMb: z
      .number()
      .min(0)
      .optional()
      .describe('only count swap as pressure while MemAvailable is below this'),
    resumeWhenMemAvailableAboveMb: z
      .number()
      .min(0)
      .optional()
      .describe('swap no longer blocks a resume once MemAvailable is above this (default: whenMemAvailableBelowMb)'),
  })
  .refine(highIsOrdered, highMessage)
  .refine(
    (t) =>
      t.resumeWhenMemAvailableAboveMb === undefined ||
      t.whenMemAvailableBelowMb === undefined ||
      t.resumeWhenMemAvailableAboveMb >= t.whenMemAvailableBelowMb,
    {
      message: 'resumeWhenMemAvailableAboveMb must be >= whenMemAvailableBelowMb',
      path: ['resumeWhenMemAvailableAboveMb'],
    },
  );

/** The signals a level watches. The level's halt condition holds when ANY of them is past its halt threshold. */
export const LevelSignals = z.strictObject({
  memAvailableMb: LowThreshold.optional().describe('MemAvailable in MB'),
  swapUsedMb: SwapThreshold.optional().describe('swap used in MB, optionally only while memory is also low'),
  diskUsedPercent: HighThreshold.optional().describe('use % of the fullest watched mount'),
  load1PerCore: HighThreshold.optional().describe('1-minute load average divided by the number of cores'),
});
export type LevelSignals = z.infer<typeof LevelSignals>;

export { LEVEL_KEYS, type LevelKey } from './level-keys.js';

/** Level 1 halts dev, 2 also review, 3 every role that is not protected (the numbers). */
export const DEFAULT_LEVELS = {
  '1': { memAvailableMb: { halt: 2000, resume: 2500 }, diskUsedPercent: { halt: 80, resume: 75 } },
  '2': { memAvailableMb: { halt: 1500, resume: 2000 }, diskUsedPercent: { halt: 90, resume: 85 } },
  '3': {
    memAvailableMb: { halt: 500, resume: 1000 },
    swapUsedMb: { halt: 3072, resume: 2048, whenMemAvailableBelowMb: 2000, resumeWhenMemAvailableAboveMb: 2500 },
    diskUsedPercent: { halt: 95, resume: 90 },
  },
} satisfies Record<LevelKey, LevelSignals>;

/** One reclaim action: a shell command (or the command alone), killed with its process group past its time bound. */
export const ReclaimAction = z.union([
  z.string().min(1),
  z.strictObject({
    command: z.string().min(1).describe('run with /bin/sh -c in the control repo'),
    timeout: Duration.optional().describe('killed (its whole process group) past this (default 60s)'),
  }),
]);
export type ReclaimAction = z.infer<typeof ReclaimAction>;
const ReclaimActions = z
  .array(ReclaimAction, { error: 'a list of commands (each a string, or { command, timeout })' })
  .describe('run in order, once when the signal first crosses a level halt line, again only after the back-off');

/** What a node tries before a level engages: reclaim what it can spare, per signal. */
export const Reclaim = z.strictObject({
  backoff: Duration.default('30m').describe("least time between two runs of one signal's actions"),
  memory: ReclaimActions.optional().describe('when MemAvailable crosses a halt line'),
  disk: z
    .record(z.string().min(1), ReclaimActions)
    .optional()
    .describe('per watched mount point, when its use crosses a halt line'),
});
export type Reclaim = z.infer<typeof Reclaim>;

const fields = {
  sampleInterval: Duration.describe('how often the node samples the machine'),
  hold: Duration.describe("how long a level's halt condition must hold before it engages (0s: at once)"),
  resumeHold: Duration.describe(
    "how long all of a level's signals must stay past their resume thresholds before it is released",
  ),
  stabilisation: Duration.describe('least time after any level change before the next resume step'),
  mounts: z.array(z.string().min(1)).describe('mount points whose disk use is watched'),
  stopRunningAtLevel3: z.boolean().describe('SIGTERM running agents of halted roles at level 3'),
  stopGrace: Duration.describe('time between SIGTERM and SIGKILL when stopping agents'),
};

export const Policy = z.strictObject({
  sampleInterval: fields.sampleInterval.default('5s'),
  hold: fields.hold.default('30s'),
  resumeHold: fields.resumeHold.default('2m'),
  stabilisation: fields.stabilisation.default('5m'),
  mounts: fields.mounts.default(['/']),
  levels: z
    .strictObject({ '1': LevelSignals.optional(), '2': LevelSignals.optional(), '3': LevelSignals.optional() })
    .default(DEFAULT_LEVELS)
    .describe('per level, the signals and their halt/resume thresholds; a level without signals never engages'),
  stopRunningAtLevel3: fields.stopRunningAtLevel3.default(false),
  stopGrace: fields.stopGrace.default('30s'),
  reclaim: Reclaim.optional().describe('commands that free disk or memory before a level engages (opt-in)'),
});
export type Policy = z.infer<typeof Policy>;

/** Per signal: a new threshold replaces the factory's, null switches the signal off on this node. */
const LevelSignalsOverride = z.strictObject({
  memAvailableMb: LowThreshold.nullable().optional(),
  swapUsedMb: SwapThreshold.nullable().optional(),
  diskUsedPercent: HighThreshold.nullable().optional(),
  load1PerCore: HighThreshold.nullable().optional(),
});

/**
 * A node's overrides. Written out instead of Policy.partial(), whose fields would keep their
 * defaults and silently overwrite the factory's values on every node.
 */
export const PolicyOverride = z.strictObject({
  sampleInterval: fields.sampleInterval.optional(),
  hold: fields.hold.optional(),
  resumeHold: fields.resumeHold.optional(),
  stabilisation: fields.stabilisation.optional(),
  mounts: fields.mounts.optional(),
  levels: z
    .strictObject({
      '1': LevelSignalsOverride.optional(),
      '2': LevelSignalsOverride.optional(),
      '3': LevelSignalsOverride.optional(),
    })
    .optional()
    .describe(
      'per level and signal; e.g. a 2 GB node: levels: { "1": { memAvailableMb: { halt: 400, resume: 600 } } }',
    ),
  stopRunningAtLevel3: fields.stopRunningAtLevel3.optional(),
  stopGrace: fields.stopGrace.optional(),
  reclaim: Reclaim.optional().describe("this node's reclaim actions, replacing the factory's"),
});
export type PolicyOverride = z.infer<typeof PolicyOverride>;
