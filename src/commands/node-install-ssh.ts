// `factoryctl node install --ssh-key`: the authorized_keys line of the supervisor's key.
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { rpcAuthorizedKeyLine } from '../domain/node-install-ssh.js';
import { defaultAuthorizedKeys, readKeySource, writeRpcKeyLine } from '../adapters/node/authorized-keys.js';
import { cliPath } from '../adapters/process/cli-path.js';
import type { CommandContext } from './context.js';

export function installSshKey(
  opts: { key: string; from: string | undefined; write: boolean; path: string | undefined },
  dir: string,
  ctx: CommandContext,
): number {
  const from = (opts.from ?? '').split(/[\s,]+/).filter(Boolean);
  const env = Object.fromEntries(
    (['FACTORY_RUN_DIR', 'FACTORY_STATE_DIR'] as const).flatMap((k) => (ctx.env[k] ? [[k, ctx.env[k]!]] : [])),
  );
  const made = rpcAuthorizedKeyLine({
    key: readKeySource(opts.key),
    from,
    controlDir: dir,
    node: ctx.node,
    nodeBin: process.execPath,
    cli: cliPath(),
    env,
  });
  if (!made.ok) throw new UsageError(`--ssh-key: ${made.problem}`);
  if (from.length === 0) ctx.err('warning: no --from: the key is accepted from any address');
  if (!opts.write) {
    ctx.out(ctx.json ? JSON.stringify({ authorizedKeys: made.line }) : made.line);
    return EXIT.OK;
  }
  const written = writeRpcKeyLine(opts.path ?? defaultAuthorizedKeys(), made.line, made.blob, ctx.node);
  ctx.out(
    ctx.json
      ? JSON.stringify({ ...written, authorizedKeys: made.line })
      : `${written.changed ? 'wrote' : 'unchanged:'} ${written.path}`,
  );
  return EXIT.OK;
}
