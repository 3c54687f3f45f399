import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { checkSigningKey, SIGNING_KEY_ENV } from '../adapters/git/signing.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { CONTROL_PATHS } from '../domain/control-paths.js';
import {
  installSpecProblems,
  renderCronBlock,
  renderSystemdUnit,
  UNIT_NAME,
  type InstallSpec,
} from '../domain/node-install.js';
import { installLoopMode } from '../domain/node-install-mode.js';
import { readOptional, writeCron, writeUnit } from '../adapters/node/install-write.js';
import { requireDir, type CommandContext } from './context.js';
import { installSshKey } from './node-install-ssh.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl node install [--mode systemd|cron] [--write] [--user USER] [--path FILE]
                               [--signing-key KEY]
       factoryctl node install --ssh-key KEY [--from LIST] [--write] [--path FILE]

Prints how to run the node daemon on this machine: a systemd unit (default) and the crontab
alternative (\`node --once\` every minute under flock). With --write, installs it:
  systemd  writes /etc/systemd/system/${UNIT_NAME} (as root), then run
           systemctl daemon-reload && systemctl enable --now factoryctl-node
  cron     sets the "# BEGIN factoryctl node" block of USER's crontab, other lines untouched

  --user USER  the account that runs the daemon (default: SUDO_USER, else the current user)
  --path FILE  write here instead (the unit file, a crontab or authorized_keys file): for tests and packaging
  --signing-key KEY  this node's own SSH private key (a file outside the control repo): the daemon
               signs its commits with it (FACTORYCTL_SIGNING_KEY in the unit or crontab line);
               checked now: a key that cannot sign is refused (78)
  --ssh-key KEY  the supervisor's public key (a file, or the key): prints its authorized_keys line,
               restrict,from="LIST",command="... node rpc"; --write puts it in ~/.ssh/authorized_keys
               in place of any line for the same key
  --from LIST  addresses (hosts, patterns, CIDR; comma-separated) the key is accepted from`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      ...{ write: { type: 'boolean' }, user: { type: 'string' }, mode: { type: 'string' }, path: { type: 'string' } },
      ...{ 'ssh-key': { type: 'string' }, from: { type: 'string' }, 'signing-key': { type: 'string' } },
    },
    1,
  );
  if (positionals[0] !== undefined && positionals[0] !== 'install')
    throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const mode = values.mode;
  if (mode !== undefined && mode !== 'systemd' && mode !== 'cron')
    throw new UsageError(`--mode is systemd or cron, not "${mode}"`);
  const dir = requireDir(ctx);
  const key = values['ssh-key'];
  if (key !== undefined)
    return installSshKey({ key, from: values.from, write: !!values.write, path: values.path }, dir, ctx);
  const signingKey = values['signing-key'] === undefined ? undefined : resolve(values['signing-key']);
  if (signingKey) await checkSigningKey({ ...ctx.env, [SIGNING_KEY_ENV]: signingKey });
  const loop = installLoopMode(readOptional(join(dir, CONTROL_PATHS.factory)), ctx.node);
  if (loop.warning) ctx.err(loop.warning);
  const spec: InstallSpec = {
    controlDir: dir,
    node: ctx.node,
    user: values.user ?? ctx.env.SUDO_USER ?? userInfo().username,
    nodeBin: process.execPath,
    loopMode: loop.loop,
    ...(signingKey ? { signingKey } : {}),
  };
  const problems = installSpecProblems(spec);
  if (problems.length > 0) throw new UsageError(`cannot install: ${problems.join('; ')}`);

  if (!values.write) {
    const unit = renderSystemdUnit(spec);
    const block = renderCronBlock(spec);
    if (ctx.json)
      ctx.out(
        JSON.stringify({ systemd: mode === 'cron' ? undefined : unit, cron: mode === 'systemd' ? undefined : block }),
      );
    else if (mode === 'systemd') ctx.out(unit);
    else if (mode === 'cron') ctx.out(block);
    else
      ctx.out(
        `# ${join('/etc/systemd/system', UNIT_NAME)}\n${unit}\n# or, without systemd: \`factoryctl node install --mode cron --write\` puts this in the crontab\n${block}`,
      );
    return EXIT.OK;
  }

  const written = (mode ?? 'systemd') === 'systemd' ? writeUnit(spec, values.path) : await writeCron(spec, values.path);
  if (ctx.json) ctx.out(JSON.stringify({ mode: mode ?? 'systemd', ...written }));
  else
    ctx.out(
      written.next
        ? `${written.changed ? 'wrote' : 'unchanged:'} ${written.path}\nnext: ${written.next}`
        : `${written.changed ? 'wrote' : 'unchanged:'} ${written.path}`,
    );
  return EXIT.OK;
}
