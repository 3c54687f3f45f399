import { EXIT, type ExitCode } from './exit-codes.js';

/** A user's or an environment's problem, with the exit code it maps to. Anything else is a bug (70). */
export class FactoryError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends FactoryError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

/** One problem in a config file, located to file:line:col and the field's path. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.field || '(document)'}: ${p.message}`;
}

export class ConfigError extends FactoryError {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'), EXIT.CONFIG, problems);
  }
}

export class UnavailableError extends FactoryError {
  constructor(message: string, details?: unknown) {
    super(message, EXIT.UNAVAILABLE, details);
  }
}
