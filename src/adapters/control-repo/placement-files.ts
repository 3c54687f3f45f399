// factory.yaml and assignments.yaml from the work tree, for the commands that show placement
// (nodes, assignments, status). factory.yaml alone: an error in repos/ must not hide the machines.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type ConfigProblem } from '../../errors.js';
import { CONTROL_PATHS, missingFactoryProblem } from '../../domain/control-paths.js';
import { FactoryConfig } from '../../domain/config/factory-schema.js';
import { parseYamlWithSchema } from '../../domain/config/parse-yaml.js';
import { parseAssignmentsYaml, type Assignments } from '../../domain/placement/assignments-file.js';

export interface PlacementFiles {
  factory: FactoryConfig;
  /** Absent when assignments.yaml does not parse (`problems` says why); a missing file is no slots. */
  assignments?: Assignments;
  problems: ConfigProblem[];
}

/** Throws a ConfigError (exit 78) when factory.yaml is missing or invalid. */
export async function readPlacementFiles(dir: string): Promise<PlacementFiles> {
  const text = (path: string) => readFile(join(dir, path), 'utf8').catch(() => undefined);
  const factoryText = await text(CONTROL_PATHS.factory);
  if (factoryText === undefined) throw new ConfigError([missingFactoryProblem()]);
  const factory = parseYamlWithSchema(CONTROL_PATHS.factory, factoryText, FactoryConfig);
  if (!factory.ok) throw new ConfigError(factory.problems.filter((p) => p.severity === 'error'));
  const parsed = parseAssignmentsYaml(await text(CONTROL_PATHS.assignments));
  return parsed.ok
    ? { factory: factory.value, assignments: parsed.value, problems: [] }
    : { factory: factory.value, problems: parsed.problems };
}
