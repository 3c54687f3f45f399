import type { z } from 'zod';
import type { ConfigProblem } from '../../errors.js';
import { parseYamlWithSchema } from './parse-yaml.js';

export type StateParse<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/**
 * A factory-state/ file's text against its schema: missing or blank is the empty file (the
 * schema's defaults); a failure carries its located errors (warnings alone never fail it).
 */
export function parseStateYaml<S extends z.ZodType>(
  path: string,
  text: string | undefined,
  schema: S,
): StateParse<z.output<S>> {
  const parsed = parseYamlWithSchema(path, text ?? '', schema);
  return parsed.ok
    ? { ok: true, value: parsed.value }
    : { ok: false, problems: parsed.problems.filter((p) => p.severity === 'error') };
}

/** The same result with its value mapped. */
export function mapParse<T, U>(result: StateParse<T>, f: (value: T) => U): StateParse<U> {
  return result.ok ? { ok: true, value: f(result.value) } : result;
}
