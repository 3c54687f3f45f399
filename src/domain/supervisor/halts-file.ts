// factory-state/halts.yaml, the leader supervisor's factory-wide halts: its one parse and its one render.
import { stringify } from 'yaml';
import { CONTROL_PATHS } from '../control-paths.js';
import { mapParse, parseStateYaml, type StateParse } from '../config/parse-state.js';
import { HaltsFile, type SupervisorHalt } from '../config/state-schema.js';

const KEY_ORDER: (keyof SupervisorHalt)[] = ['role', 'node', 'repo', 'reason', 'by', 'since'];

export function parseHaltsYaml(text: string | undefined): StateParse<SupervisorHalt[]> {
  return mapParse(parseStateYaml(CONTROL_PATHS.halts, text, HaltsFile), (file) => file.halts);
}

/** halts.yaml text in a fixed key order: the same halts always give the same bytes. */
export function renderHaltsYaml(halts: readonly SupervisorHalt[]): string {
  const ordered = halts.map((h) =>
    Object.fromEntries(KEY_ORDER.filter((k) => h[k] !== undefined).map((k) => [k, h[k]])),
  );
  return `# yaml-language-server: $schema=../schemas/halts.schema.json
# The leader supervisor's factory-wide halts. Machine-written: do not edit (use overrides.yaml).
${stringify({ halts: ordered }, { lineWidth: 0 })}`;
}
