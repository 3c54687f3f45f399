// What every entry point shares: global flags and how an error becomes an exit code.
import { FactoryError } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { GlobalOptions } from './commands/context.js';

/** Takes the global flags out wherever they stand before `--`, so `gate dev --json` and `--json gate dev` both work. */
export function splitGlobal(argv: string[]): { global: GlobalOptions; rest: string[] } {
  const global: GlobalOptions = { json: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i)); // `gate ROLE -- COMMAND ARGS...`: the command's own flags are its own
      break;
    }
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (flag === '--json') global.json = true;
    else if (flag === '--dir' || flag === '--node') {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new FactoryError(`${flag} needs a value`, EXIT.USAGE);
      global[flag === '--dir' ? 'dir' : 'node'] = value;
    } else rest.push(arg);
  }
  return { global, rest };
}

/** Only the entry points call this: a user's mistake gets its message and code, a bug its stack and 70. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof FactoryError) {
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ok: false, error: error.message, exitCode: error.exitCode, details: error.details })}\n`,
      );
    process.stderr.write(`factoryctl: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(
    `factoryctl: internal error (a bug, please report it):\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return EXIT.SOFTWARE;
}
