// The heavy half of loading the control view: YAML and zod. Loaded only on a cache miss.
import { ConfigError } from '../errors.js';
import { FactoryConfig } from '../domain/config/factory-schema.js';
import { parseYamlWithSchema } from '../domain/config/parse-yaml.js';
import { HaltsFile, OverridesFile } from '../domain/config/state-schema.js';
import { CONTROL_FILES, toConfigView, type ViewParts } from '../domain/control-view.js';

type Part = keyof typeof CONTROL_FILES;

/** Parses one control file into its part of the view; throws ConfigError with located problems. */
export function parseViewPart<P extends Part>(part: P, text: string | undefined): ViewParts[P] {
  const file = CONTROL_FILES[part];
  if (part === 'factory') {
    if (text === undefined) throw new ConfigError([{ file, line: 1, col: 1, field: '', message: 'missing: a control repo needs factory.yaml', severity: 'error' }]);
    return toConfigView(unwrap(parseYamlWithSchema(file, text, FactoryConfig))) as ViewParts[P];
  }
  if (part === 'overrides') return unwrap(parseYamlWithSchema(file, text ?? '', OverridesFile)).overrides as ViewParts[P];
  return unwrap(parseYamlWithSchema(file, text ?? '', HaltsFile)).halts as ViewParts[P];
}

function unwrap<T>(result: ReturnType<typeof parseYamlWithSchema<any>> & { value?: T }): T {
  if (!result.ok) throw new ConfigError(result.problems.filter((p) => p.severity === 'error'));
  return result.value as T;
}
