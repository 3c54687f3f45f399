import { ConfigError, FactoryError, UsageError, type ConfigProblem } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Refusal } from '../domain/supervisor/alarm-spec.js';

/** A domain answer's value, or the error (and so the exit code) its refusal or its file's problems map to. */
export function orThrow<T extends { ok: true }>(r: T | Refusal | { ok: false; problems: ConfigProblem[] }): T {
  if (r.ok) return r;
  if ('problems' in r) throw new ConfigError(r.problems);
  throw r.kind === 'usage'
    ? new UsageError(r.message)
    : new FactoryError(r.message, r.kind === 'data' ? EXIT.DATAERR : EXIT.UNAVAILABLE);
}
