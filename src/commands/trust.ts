import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FactoryError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { planTrustInit } from '../domain/trust/trust-init.js';
import { isFingerprint, sshFingerprint } from '../domain/trust/trust-root.js';
import { writeTrustRoot } from '../adapters/control-repo/trust-root-file.js';
import { assertSshKeygen } from '../adapters/git/commit-signature.js';
import { commitSignedAndPush } from '../adapters/git/commit-signed.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl trust init --key PUBKEY --principal human:NAME
                           [--sign-with KEY] [--json]
       factoryctl trust pin PUBKEY|SHA256:FINGERPRINT... [--json]

init sets up a factory's first signer: writes trust/allowed_signers with that
one human, sets trust.mode: warn in factory.yaml, commits it signed with the
key and pushes it. In warn every machine judges each new commit of main and
shows the untrusted ones, but still acts on them; set trust.mode: enforce (in
a signed commit) once the supervisors and nodes sign. It pins its key as this
clone's trust root.

pin names the keys that may sign the trust root (the first commit that brings
trust/allowed_signers) for this clone, in .git/factoryctl/trust-root, where no
push reaches. Without a pin a clone trusts that commit on first use, so a main
rewritten from scratch would bring its own root; run it on every machine
before its first pull under trust (init prints the fingerprint).
  --key PUBKEY       the human's SSH public key (e.g. ~/.ssh/id_ed25519.pub)
  --principal NAME   human:NAME, the name its signed commits are shown under
  --sign-with KEY    the key that signs this commit (default: the private key
                     beside PUBKEY, else PUBKEY itself with ssh-agent)
  exit 65  signers exist already, the key is unusable, or not a human
  exit 69  ssh-keygen is missing`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const flags = { key: { type: 'string' }, principal: { type: 'string' }, 'sign-with': { type: 'string' } } as const;
  const { values, positionals } = parseFlags(args, flags, Infinity);
  if (positionals[0] === 'pin') return pin(positionals.slice(1), ctx);
  if (positionals[0] !== 'init' || positionals.length > 1)
    throw new UsageError('trust needs a subcommand: `factoryctl trust init` or `factoryctl trust pin`');
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
  const fingerprint = sshFingerprint(readFileSync(keyFile, 'utf8'))!;
  writeTrustRoot(dir, [fingerprint]);
  if (ctx.json)
    ctx.out(JSON.stringify({ ok: true, principal: values.principal, mode: 'warn', rootKey: fingerprint, ...result }));
  else
    ctx.out(
      `trust: ${values.principal} signs; trust.mode warn (${result.sha.slice(0, 10)}${result.pushed ? ', pushed' : ''})\n` +
        `trust root pinned here to ${fingerprint}; on every other machine: factoryctl trust pin ${fingerprint}`,
    );
  return EXIT.OK;
}

/** `trust pin`: each argument a fingerprint or a public key file; the clone's pin becomes exactly those. */
function pin(keys: string[], ctx: CommandContext): number {
  if (keys.length === 0) throw new UsageError('trust pin needs at least one PUBKEY file or SHA256:FINGERPRINT');
  const dir = requireDir(ctx);
  const fingerprints = keys.map((k) => {
    if (isFingerprint(k)) return k;
    const path = resolve(process.cwd(), k);
    const found = existsSync(path) ? sshFingerprint(readFileSync(path, 'utf8')) : undefined;
    if (!found) throw new FactoryError(`${k}: neither SHA256:FINGERPRINT nor a readable SSH public key`, EXIT.DATAERR);
    return found;
  });
  writeTrustRoot(dir, fingerprints);
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, pinned: fingerprints }));
  else ctx.out(`trust root of this clone pinned to ${fingerprints.join(', ')}`);
  return EXIT.OK;
}
