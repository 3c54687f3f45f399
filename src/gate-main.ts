// The gate's own entry point, built as one CommonJS file (dist/gate.cjs): the agents' pre-run
// check runs on every poll, so it skips the ESM loader and the command table, starts the pull
// first and loads YAML and zod only when a control file changed (dist/gate-parse.cjs).
import { EXIT } from './exit-codes.js';
import { reportError, splitGlobal } from './cli-common.js';
import { makeContext } from './commands/context.js';
import { help, run } from './commands/gate.js';

const argv = process.argv.slice(2);
async function main(): Promise<number> {
  const { global, rest } = splitGlobal(argv);
  rest.shift(); // "gate"
  const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(`${help}\n`);
    return EXIT.OK;
  }
  return run(rest, makeContext(global));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error, argv.includes('--json'));
  },
);
