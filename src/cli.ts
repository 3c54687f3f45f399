// The entry point: global flags, lazy command dispatch, exit codes. Each command is its own
// bundle chunk, so `factoryctl gate` never loads what `reconcile` needs.
import { EXIT } from './exit-codes.js';
import { makeContext, type CommandRun } from './commands/context.js';
import { reportError, splitGlobal } from './cli-common.js';
// The one version: package.json's, bundled in, so `--version` never disagrees with the package.
import pkg from '../package.json' with { type: 'json' };

interface CommandModule {
  run: CommandRun;
  help: string;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  gate: { summary: 'may this role run now? exit 0 run, 75 halted', load: () => import('./commands/gate.js') },
  halt: { summary: 'halt a role (override), commit and push', load: () => import('./commands/halt.js') },
  resume: { summary: 'lift a halt (or pin a run), commit and push', load: () => import('./commands/resume.js') },
  run: {
    summary: 'the embedded default: node + supervisor in one process, live status',
    load: () => import('./commands/run.js'),
  },
  status: { summary: 'every role on every node: state, why, since', load: () => import('./commands/status.js') },
  nodes: {
    summary: 'each machine: state, heartbeat, memory and disk room, slots',
    load: () => import('./commands/nodes.js'),
  },
  assignments: {
    summary: 'where each agent slot runs, why, and the best candidates',
    load: () => import('./commands/assignments.js'),
  },
  validate: {
    summary: 'check a whole control repo; exit 78 when invalid',
    load: () => import('./commands/validate.js'),
  },
  schema: {
    summary: 'write JSON Schemas for editors (yaml-language-server)',
    load: () => import('./commands/schema.js'),
  },
  reconcile: { summary: 'make each forge match repos/ (plan; --apply)', load: () => import('./commands/reconcile.js') },
  config: {
    summary: 'config show OWNER/NAME: resolved repo config with sources',
    load: () => import('./commands/config-show.js'),
  },
  practices: {
    summary: "a repo's best practices, for an agent's prompt",
    load: () => import('./commands/practices.js'),
  },
  env: {
    summary: 'a repo\'s agent environment: eval "$(factoryctl env o/r)"',
    load: () => import('./commands/env.js'),
  },
  supervise: {
    summary: 'the supervisor: schedules, CI halts, alarms, STATUS.md (--once, --listen)',
    load: () => import('./commands/supervise.js'),
  },
  trust: {
    summary: 'trust init: the first signer of control commits; trust.mode warn',
    load: () => import('./commands/trust.js'),
  },
  node: { summary: 'the node daemon: measure, protect, apply, report', load: () => import('./commands/node.js') },
  logs: {
    summary: 'merged node journals and supervisor decisions (--follow, --agent)',
    load: () => import('./commands/logs.js'),
  },
  alarm: {
    summary: 'alarm add|list|rm: wake the supervisor when a pipeline, PR or issue finishes',
    load: () => import('./commands/alarm.js'),
  },
  alerts: {
    summary: 'alerts [silence]: what fires, since when, where it went',
    load: () => import('./commands/alerts.js'),
  },
};

/** Subcommands that are modules of their own (their own --help). */
const SUBCOMMANDS: Record<string, () => Promise<CommandModule>> = {
  'node install': () => import('./commands/node-install.js'),
  'node rpc': () => import('./commands/node-rpc.js'),
};

const USAGE = `factoryctl: the supervisor of a small software factory, driven by a Git control repo

usage: factoryctl <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`)
  .join('\n')}

global options:
  --dir DIR     the control repo (default: FACTORY_DIR, else the folder with factory.yaml above here)
  --node NAME   this machine's node name (default: FACTORY_NODE, else the host name)
  --json        machine-readable output
  -h, --help    help for a command: factoryctl <command> --help
`;

async function main(argv: string[]): Promise<number> {
  const { global, rest } = splitGlobal(argv);
  const [name, ...args] = rest;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? EXIT.OK : EXIT.USAGE;
  }
  if (name === '--version') {
    process.stdout.write(
      global.json ? `${JSON.stringify({ name: pkg.name, version: pkg.version })}\n` : `factoryctl ${pkg.version}\n`,
    );
    return EXIT.OK;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`factoryctl: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  const sub = SUBCOMMANDS[`${name} ${args[0]}`];
  if (sub) args.shift();
  const command = await (sub ?? entry.load)();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return EXIT.OK;
  }
  return command.run(args, makeContext(global));
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error, argv.includes('--json'));
  },
);
