import { parseDocument } from 'yaml';
import { ALLOWED_SIGNERS_PATH, parseAllowedSigners } from './allowed-signers.js';

export type TrustInit = { ok: true; files: Record<string, string> } | { ok: false; error: string };

/**
 * A factory's first signer: trust/allowed_signers with that one human, and trust.mode warn in
 * factory.yaml (its comments kept), so the next commits are judged and shown before anything is
 * enforced. Refused when signers already exist: later changes are ordinary signed commits.
 */
export function planTrustInit(input: {
  factoryYaml: string;
  signersText: string | undefined;
  publicKey: string;
  principal: string;
}): TrustInit {
  if (input.signersText !== undefined && parseAllowedSigners(input.signersText).signers.length > 0)
    return { ok: false, error: `${ALLOWED_SIGNERS_PATH} already has signers: add more in a signed commit` };
  if (!input.principal.startsWith('human:'))
    return { ok: false, error: `the first signer must be a human (human:NAME), not "${input.principal}"` };
  const [type, key] = input.publicKey.trim().split(/\s+/);
  const line = `${input.principal} ${type ?? ''} ${key ?? ''}`;
  const parsed = parseAllowedSigners(line);
  if (parsed.problems.length > 0)
    return { ok: false, error: `not a usable public key: ${parsed.problems[0]!.message}` };
  const doc = parseDocument(input.factoryYaml);
  if (doc.errors.length > 0) return { ok: false, error: `factory.yaml does not parse: ${doc.errors[0]!.message}` };
  doc.setIn(['trust', 'mode'], 'warn');
  const header =
    '# Who may sign commits of main (git gpg.ssh.allowedSignersFile format). The role is in the\n' +
    '# principal: human:NAME (anything), supervisor:NODE (factory-state/ only), node:NODE (its\n' +
    '# telemetry branch only). A change of this file must be signed by a signer already here.\n';
  return { ok: true, files: { [ALLOWED_SIGNERS_PATH]: `${header}${line}\n`, 'factory.yaml': doc.toString() } };
}
