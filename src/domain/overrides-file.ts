// factory-state/overrides.yaml, the humans' one file: its one parse and its one render.
import { stringify } from 'yaml';
import { CONTROL_PATHS } from './control-paths.js';
import { mapParse, parseStateYaml, type StateParse } from './config/parse-state.js';
import { OverridesFile, type Override } from './config/state-schema.js';

const HEADER = `# yaml-language-server: $schema=../schemas/overrides.schema.json
# Humans' overrides: pinned halts or runs, each with a reason and optionally an end.
# Written by hand or by \`factoryctl halt\` / \`factoryctl resume\`; an expired entry stops counting by itself.
`;

export function parseOverridesYaml(text: string | undefined): StateParse<Override[]> {
  return mapParse(parseStateYaml(CONTROL_PATHS.overrides, text, OverridesFile), (file) => file.overrides);
}

export function renderOverridesYaml(overrides: readonly Override[]): string {
  return HEADER + stringify({ overrides }, { lineWidth: 0 });
}
