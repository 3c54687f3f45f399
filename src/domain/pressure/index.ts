export { decidePressure, type PressureDecision, type PressureEvent } from './decide-pressure.js';
export { effectivePolicy } from './effective-policy.js';
export { readLevel, type LevelReading, type SignalReading } from './level-signals.js';
export {
  initialPressureState,
  readPressureState,
  PRESSURE_LEVELS,
  type PressureLevel,
  type PressureState,
} from './pressure-state.js';
export { rolesHaltedAtLevel } from './roles-halted.js';
// The one protected-role rule lives with the roles; re-exported for the node loop's stop rule.
export { isProtectedRole } from '../roles/protected.js';
export { isMeasured, type DiskSample, type MemLimitSource, type Sample } from './sample.js';
