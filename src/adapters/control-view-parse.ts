// The heavy half of loading the control view: YAML and zod. Loaded only on a cache miss.
import { ConfigError, type ConfigProblem } from '../errors.js';
import { FactoryConfig } from '../domain/config/factory-schema.js';
import { parseYamlWithSchema } from '../domain/config/parse-yaml.js';
import { HaltsFile, OverridesFile } from '../domain/config/state-schema.js';
import { CONTROL_FILES, toControlView, type ControlView } from '../domain/control-view.js';

export function parseControlView(texts: Record<keyof typeof CONTROL_FILES, string | undefined>): ControlView {
  const problems: ConfigProblem[] = [];
  const parse = <S extends Parameters<typeof parseYamlWithSchema>[2]>(file: string, text: string, schema: S) => {
    const result = parseYamlWithSchema(file, text, schema);
    if (!result.ok) problems.push(...result.problems.filter((p) => p.severity === 'error'));
    return result.ok ? result.value : undefined;
  };
  if (texts.factory === undefined) {
    throw new ConfigError([{ file: CONTROL_FILES.factory, line: 1, col: 1, field: '', message: 'missing: a control repo needs factory.yaml', severity: 'error' }]);
  }
  const config = parse(CONTROL_FILES.factory, texts.factory, FactoryConfig);
  const overrides = parse(CONTROL_FILES.overrides, texts.overrides ?? '', OverridesFile);
  const halts = parse(CONTROL_FILES.halts, texts.halts ?? '', HaltsFile);
  if (!config || !overrides || !halts || problems.length > 0) throw new ConfigError(problems);
  return toControlView(config, overrides.overrides, halts.halts);
}
