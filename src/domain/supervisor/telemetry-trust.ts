// Whose voice a telemetry branch is: one node cannot speak for another. Pure: the signature was checked by git.
import type { TrustConfig } from '../config/trust-schema.js';

/** What git said of a branch tip's signature (adapters/git/commit-signature.ts). */
export interface TipSignature {
  signed: boolean;
  valid: boolean;
  principal?: string;
  fingerprint?: string;
  error?: string;
}

/** The allowed_signers principal of a node's own key (domain/trust/allowed-signers.ts: `node:<name>`). */
export const nodePrincipal = (node: string): string => `node:${node}`;

export interface TelemetryVerdict {
  /** use this tip's telemetry */
  use: boolean;
  /** why it is not the node's own voice, with the sha and the signer; absent when it is */
  note?: string;
}

/**
 * A telemetry tip speaks for its node only when signed by a key allowed as that node. In enforce
 * anything else is ignored (the node did not report that sample); in warn it is used and noted.
 */
export function judgeTelemetryTip(
  node: string,
  sha: string,
  sig: TipSignature,
  mode: TrustConfig['mode'],
): TelemetryVerdict {
  if (mode === 'off') return { use: true };
  const want = nodePrincipal(node);
  // A key listed under several principals is reported with all of them, comma-separated.
  if (sig.valid && (sig.principal ?? '').split(',').includes(want)) return { use: true };
  const signer = sig.principal ?? sig.fingerprint ?? 'unsigned';
  const why = !sig.signed
    ? 'is not signed'
    : !sig.valid
      ? `is signed by ${signer}, which is not an allowed signer${sig.error ? ` (${sig.error})` : ''}`
      : `is signed by ${signer}, not ${want}`;
  const what = `telemetry/${node} tip ${sha.slice(0, 12)} ${why}`;
  return mode === 'enforce'
    ? { use: false, note: `${what}: ignored (trust.mode enforce), the node's last trusted sample stands` }
    : { use: true, note: `${what}: used anyway (trust.mode warn)` };
}
