// The heavy half of loading the control view: YAML and zod. Loaded only on a cache miss, and
// built into its own file for the gate, so it returns plain data (never throws its own classes).
import type { ConfigProblem } from '../../errors.js';
import { FactoryConfig } from '../../domain/config/factory-schema.js';
import { parseYamlWithSchema } from '../../domain/config/parse-yaml.js';
import { CONTROL_FILES, toConfigView, type ViewParts } from '../../domain/control-view.js';
import { missingFactoryProblem } from '../../domain/control-paths.js';
import { parseOverridesYaml } from '../../domain/overrides-file.js';
import { parseHaltsYaml } from '../../domain/supervisor/halts-file.js';
import { parseAssignmentsYaml } from '../../domain/placement/assignments-file.js';
import { mapParse } from '../../domain/config/parse-state.js';

type Part = keyof typeof CONTROL_FILES;
export type PartResult<P extends Part> = { ok: true; value: ViewParts[P] } | { ok: false; problems: ConfigProblem[] };

/** Parses one control file into its part of the view, or its located problems. */
export function parseViewPart<P extends Part>(part: P, text: string | undefined): PartResult<P> {
  if (part === 'overrides') return parseOverridesYaml(text) as PartResult<P>;
  if (part === 'halts') return parseHaltsYaml(text) as PartResult<P>;
  if (part === 'assignments')
    return mapParse(parseAssignmentsYaml(text), (doc) => ({
      decidedAt: doc.decidedAt ?? '',
      slots: Object.fromEntries(
        Object.entries(doc.slots).map(([id, s]) => [
          id,
          {
            node: s.node,
            reason: s.reason,
            ...(s.halted ? { halted: true } : {}),
            ...(s.handoff ? { handoff: { from: s.handoff.from } } : {}),
          },
        ]),
      ),
    })) as PartResult<P>;
  const file = CONTROL_FILES.factory;
  if (text === undefined)
    return {
      ok: false,
      problems: [missingFactoryProblem()],
    };
  const parsed = parseYamlWithSchema(file, text, FactoryConfig);
  return parsed.ok
    ? { ok: true, value: toConfigView(parsed.value) as ViewParts[P] }
    : { ok: false, problems: parsed.problems.filter((p) => p.severity === 'error') };
}
