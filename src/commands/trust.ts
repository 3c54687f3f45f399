import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FactoryError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { planTrustInit } from '../domain/trust/trust-init.js';
import { assertSshKeygen } from '../adapters/git/commit-signature.js';
import { commitSignedAndPush } from '../adapters/git/commit-signed.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl trust init --key PUBKEY --principal human:NAME
                           [--sign-with KEY] [--json]

Sets up a factory's first signer: writes trust/allowed_signers with that one
human, sets trust.mode: warn in factory.yaml, commits it signed with the key
and pushes it. In warn every machine judges each new commit of main and shows
the untrusted ones, but still acts on them; set trust.mode: enforce (in a
signed commit) once the supervisors and nodes sign.
  --key PUBKEY       the human's SSH public key (e.g. ~/.ssh/id_ed25519.pub)
  --principal NAME   human:NAME, the name its signed commits are shown under
  --sign-with KEY    the key that signs this commit (default: the private key
                     beside PUBKEY, else PUBKEY itself with ssh-agent)
  exit 65  signers exist already, the key is unusable, or not a human
  exit 69  ssh-keygen is missing`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const flags = { key: { type: 'string' }, principal: { type: 'string' }, 'sign-with': { type: 'string' } } as const;
  const { values, positionals } = parseFlags(args, flags, 1);
  if (positionals[0] !== 'init') throw new UsageError('trust needs a subcommand: `factoryctl trust init`');
  if (!values.key || !values.principal)
    throw new UsageError('trust init needs --key PUBKEY and --principal human:NAME');
  const dir = requireDir(ctx);
  await assertSshKeygen();
  const keyFile = resolve(process.cwd(), values.key);
  const signersPath = join(dir, 'trust', 'allowed_signers');
  const plan = planTrustInit({
    factoryYaml: readFileSync(join(dir, 'factory.yaml'), 'utf8'),
    signersText: existsSync(signersPath) ? readFileSync(signersPath, 'utf8') : undefined,
    publicKey: readFileSync(keyFile, 'utf8'),
    principal: values.principal,
  });
  if (!plan.ok) throw new FactoryError(plan.error, EXIT.DATAERR);
  for (const [path, text] of Object.entries(plan.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const signWith =
    values['sign-with'] ??
    (keyFile.endsWith('.pub') && existsSync(keyFile.slice(0, -4)) ? keyFile.slice(0, -4) : keyFile);
  const message = `trust: ${values.principal} is the first signer; trust.mode warn`;
  const result = await commitSignedAndPush(dir, Object.keys(plan.files), message, signWith);
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, principal: values.principal, mode: 'warn', ...result }));
  else
    ctx.out(
      `trust: ${values.principal} signs; trust.mode warn (${result.sha.slice(0, 10)}${result.pushed ? ', pushed' : ''})`,
    );
  return EXIT.OK;
}
