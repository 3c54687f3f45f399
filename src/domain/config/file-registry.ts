import { posix } from 'node:path';
import { z } from 'zod';
import { FactoryConfig } from './factory-schema.js';
import { AlarmsFile } from './alarm-schema.js';
import { AlertsFile } from './alerts-file-schema.js';
import { RepoFile } from './repo-schema.js';
import { ScheduleFile } from './schedule-schema.js';
import { AssignmentsFile, HaltsFile, OverridesFile } from './state-schema.js';
import { CONTROL_PATHS } from '../control-paths.js';

/** One kind of file in the control repo: where it lives, its schema, and the JSON Schema editors use for it. */
export interface FileKind<S extends z.ZodType = z.ZodType> {
  /** Short name, also the JSON Schema's base name: schemas/<name>.schema.json. */
  name: string;
  /** Path inside the control repo: `*` stands for one path segment, a `**` segment for any number of folders. */
  pattern: string;
  schema: S;
  description: string;
}

export function fileKind<S extends z.ZodType>(
  name: string,
  pattern: string,
  schema: S,
  description: string,
): FileKind<S> {
  return { name, pattern, schema, description };
}

export const FACTORY = fileKind(
  'factory',
  CONTROL_PATHS.factory,
  FactoryConfig,
  'factoryctl global config: forges, nodes, roles, policies',
);
export const OVERRIDES = fileKind(
  'overrides',
  CONTROL_PATHS.overrides,
  OverridesFile,
  'human overrides: pinned halts and runs',
);
export const HALTS = fileKind(
  'halts',
  CONTROL_PATHS.halts,
  HaltsFile,
  'factory-wide halts decided by the leader supervisor',
);
export const SCHEDULE = fileKind(
  'schedule',
  CONTROL_PATHS.schedule,
  ScheduleFile,
  'tuned intervals decided by the leader supervisor',
);
export const ALARMS = fileKind(
  'alarms',
  CONTROL_PATHS.alarms,
  AlarmsFile,
  'alarms that wake the supervisor when a thing finishes or a time comes',
);
export const ASSIGNMENTS = fileKind(
  'assignments',
  CONTROL_PATHS.assignments,
  AssignmentsFile,
  "which node runs each agent slot, why, and every candidate node's score, decided by the leader supervisor",
);
export const ALERTS = fileKind(
  'alerts',
  CONTROL_PATHS.alerts,
  AlertsFile,
  'alert state, silences and the notification outbox, written by the leader supervisor',
);
export const PRESET = fileKind(
  'preset',
  `${CONTROL_PATHS.repos}/presets/**/*.yaml`,
  RepoFile,
  'a preset: shared repository practice, applied with extends',
);
export const REPO = fileKind(
  'repo',
  `${CONTROL_PATHS.repos}/*/*.yaml`,
  RepoFile,
  'one managed repository, repos/<owner>/<name>.yaml',
);

/**
 * Every file kind validate checks and schema writes. First match wins, so a more specific pattern
 * goes before a wider one (presets before other repos/ files). A new kind is one line here.
 */
export const FILE_KINDS: readonly FileKind[] = [
  FACTORY,
  OVERRIDES,
  HALTS,
  SCHEDULE,
  ALARMS,
  ASSIGNMENTS,
  ALERTS,
  PRESET,
  REPO,
];

export function schemaFileName(kind: FileKind): string {
  return `${kind.name}.schema.json`;
}

/** The kind of a file, by its path relative to the control repo's root (either separator). */
export function kindOf(relPath: string, kinds: readonly FileKind[] = FILE_KINDS): FileKind | undefined {
  const path = toPosix(relPath);
  return kinds.find((kind) => globToRegExp(kind.pattern).test(path));
}

/** The comment that points yaml-language-server at the file's JSON Schema, relative to the file. */
export function schemaModeline(
  relPath: string,
  kinds: readonly FileKind[] = FILE_KINDS,
  schemasDir = 'schemas',
): string | undefined {
  const kind = kindOf(relPath, kinds);
  if (!kind) return undefined;
  const from = posix.dirname(toPosix(relPath));
  const target = posix.relative(from, `${schemasDir}/${schemaFileName(kind)}`);
  return `# yaml-language-server: $schema=${target.startsWith('.') ? target : `./${target}`}`;
}

export function toPosix(path: string): string {
  return path.split('\\').join('/').replace(/^\.\//, '');
}

function globToRegExp(glob: string): RegExp {
  const segment = (part: string) =>
    part
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
  return new RegExp(`^${glob.split('**/').map(segment).join('(?:[^/]+/)*')}$`);
}
