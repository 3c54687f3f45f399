// Where each file of the control repo lives: the one table, read by the gate, the node, the
// supervisor, the commands and validate alike. No imports: the gate's bundle carries it.
export const CONTROL_PATHS = {
  factory: 'factory.yaml',
  repos: 'repos',
  overrides: 'factory-state/overrides.yaml',
  halts: 'factory-state/halts.yaml',
  schedule: 'factory-state/schedule.yaml',
  alarms: 'factory-state/alarms.yaml',
  assignments: 'factory-state/assignments.yaml',
  status: 'factory-state/STATUS.md',
  alerts: 'factory-state/alerts.yaml',
} as const;

export type ControlPath = (typeof CONTROL_PATHS)[keyof typeof CONTROL_PATHS];

/** The one problem of a control repo without factory.yaml (a type import only: the bundle stays import-free). */
export function missingFactoryProblem(): import('../errors.js').ConfigProblem {
  return {
    file: CONTROL_PATHS.factory,
    line: 1,
    col: 1,
    field: '',
    message: 'missing: a control repo needs factory.yaml',
    severity: 'error',
  };
}
