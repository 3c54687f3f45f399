// The heavy half of loading the control view: YAML and zod. Loaded only on a cache miss, and
// built into its own file for the gate, so it returns plain data (never throws its own classes).
import type { ConfigProblem } from '../../errors.js';
import { FactoryConfig } from '../../domain/config/factory-schema.js';
import { parseYamlWithSchema } from '../../domain/config/parse-yaml.js';
import { HaltsFile, OverridesFile } from '../../domain/config/state-schema.js';
import { CONTROL_FILES, toConfigView, type ViewParts } from '../../domain/control-view.js';

type Part = keyof typeof CONTROL_FILES;
export type PartResult<P extends Part> = { ok: true; value: ViewParts[P] } | { ok: false; problems: ConfigProblem[] };

/** Parses one control file into its part of the view, or its located problems. */
export function parseViewPart<P extends Part>(part: P, text: string | undefined): PartResult<P> {
  const file = CONTROL_FILES[part];
  if (part === 'factory') {
    if (text === undefined) return { ok: false, problems: [{ file, line: 1, col: 1, field: '', message: 'missing: a control repo needs factory.yaml', severity: 'error' }] };
    const parsed = parseYamlWithSchema(file, text, FactoryConfig);
    return parsed.ok ? { ok: true, value: toConfigView(parsed.value) as ViewParts[P] } : failed(parsed.problems);
  }
  if (part === 'overrides') {
    const parsed = parseYamlWithSchema(file, text ?? '', OverridesFile);
    return parsed.ok ? { ok: true, value: parsed.value.overrides as ViewParts[P] } : failed(parsed.problems);
  }
  const parsed = parseYamlWithSchema(file, text ?? '', HaltsFile);
  return parsed.ok ? { ok: true, value: parsed.value.halts as ViewParts[P] } : failed(parsed.problems);
}

function failed(problems: ConfigProblem[]): { ok: false; problems: ConfigProblem[] } {
  return { ok: false, problems: problems.filter((p) => p.severity === 'error') };
}
