import { z } from 'zod';
import { Duration } from './common.js';

/** Halt when the signal crosses `halt`, resume only once it is back past `resume` (hysteresis). */
const Threshold = z.strictObject({ halt: z.number(), resume: z.number() });

/** The signals a level can watch; each one is optional. */
export const LevelSignals = z.strictObject({
  memAvailableMb: Threshold.optional().describe('halt when MemAvailable falls below halt MB; resume above resume MB'),
  swapUsedMb: Threshold.extend({ whenMemAvailableBelowMb: z.number().optional() }).optional()
    .describe('halt when swap used exceeds halt MB (optionally only while memory is also low)'),
  diskUsedPercent: Threshold.optional().describe('halt when any watched mount is fuller than halt %'),
  load1PerCore: Threshold.optional().describe('halt when the 1-minute load per core exceeds halt'),
});

export const Policy = z.strictObject({
  sampleInterval: Duration.default('5s'),
  hold: Duration.default('30s').describe('how long a signal must stay past a halt threshold before acting'),
  resumeHold: Duration.default('2m').describe('how long a signal must stay past the resume threshold before a resume step'),
  stabilisation: Duration.default('5m').describe('time between two resume steps'),
  mounts: z.array(z.string()).default(['/']).describe('mount points whose disk use is watched'),
  levels: z
    .strictObject({ '1': LevelSignals.optional(), '2': LevelSignals.optional(), '3': LevelSignals.optional() })
    .default({
      '1': { memAvailableMb: { halt: 2000, resume: 2500 }, diskUsedPercent: { halt: 80, resume: 75 } },
      '2': { memAvailableMb: { halt: 1500, resume: 2000 }, diskUsedPercent: { halt: 90, resume: 85 } },
      '3': {
        memAvailableMb: { halt: 500, resume: 1000 },
        swapUsedMb: { halt: 3072, resume: 2048, whenMemAvailableBelowMb: 2000 },
        diskUsedPercent: { halt: 95, resume: 90 },
      },
    }),
  stopRunningAtLevel3: z.boolean().default(false).describe('SIGTERM running agents of halted roles at level 3'),
  stopGrace: Duration.default('30s').describe('time between SIGTERM and SIGKILL when stopping agents'),
});
export type Policy = z.infer<typeof Policy>;

/** A node may override any part of the policy. */
export const PolicyOverride = Policy.partial();
