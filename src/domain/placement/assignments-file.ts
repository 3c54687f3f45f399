// STUB (replaced at merge by the placement branch's one parse/render of assignments.yaml).
import { z } from 'zod';
import { CONTROL_PATHS } from '../control-paths.js';
import { mapParse, parseStateYaml, type StateParse } from '../config/parse-state.js';
const Doc = z.object({
  decidedAt: z.string().default(''),
  slots: z.record(z.string(), z.object({ node: z.string().nullable(), reason: z.string() }).passthrough()).default({}),
});
export function parseAssignmentsYaml(text: string | undefined): StateParse<z.output<typeof Doc>> {
  return mapParse(parseStateYaml(CONTROL_PATHS.assignments, text, Doc), (d) => d);
}
