import { stringify } from 'yaml';
import { ConfigError } from '../../errors.js';
import { OverridesFile, type Override } from '../../domain/config/state-schema.js';
import { parseYamlWithSchema } from '../../domain/config/parse-yaml.js';
import { CONTROL_FILES } from '../../domain/control-view.js';

const HEADER = `# yaml-language-server: $schema=../schemas/overrides.schema.json
# Humans' overrides: pinned halts or runs, each with a reason and optionally an end.
# Written by hand or by \`factoryctl halt\` / \`factoryctl resume\`; an expired entry stops counting by itself.
`;

export function parseOverrides(text: string | undefined): Override[] {
  if (text === undefined || text.trim() === '') return [];
  const result = parseYamlWithSchema(CONTROL_FILES.overrides, text, OverridesFile);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.value.overrides;
}

export function renderOverrides(overrides: Override[]): string {
  return HEADER + stringify({ overrides }, { lineWidth: 0 });
}
