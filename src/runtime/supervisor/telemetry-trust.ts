// The supervisor hears a node only in that node's own voice (trust.mode warn or enforce).
import type { TrustConfig } from '../../domain/config/trust-schema.js';
import { judgeTelemetryTip } from '../../domain/supervisor/telemetry-trust.js';
import type { NodeTelemetry } from '../../adapters/telemetry/read.js';
import { tipSignatures, type TipSignatureCache } from '../../adapters/telemetry/tip-signatures.js';

/** Carried from cycle to cycle: signatures by tip, and each node's last telemetry that was its own. */
export interface TelemetryTrustMemory {
  signatures: TipSignatureCache;
  lastTrusted: Map<string, NodeTelemetry>;
}

export const newTelemetryTrustMemory = (): TelemetryTrustMemory => ({ signatures: new Map(), lastTrusted: new Map() });

/**
 * The telemetry the supervisor may act on. In enforce, a tip that is not its node's own is
 * replaced by that node's last trusted telemetry (none yet: the node is not heard from at all),
 * so a forged sample never counts and liveness sees the node as silent. Notes name the sha and
 * the signer, once per tip.
 */
export async function trustedTelemetry(
  dir: string,
  mode: TrustConfig['mode'],
  telemetry: NodeTelemetry[],
  memory: TelemetryTrustMemory,
): Promise<{ telemetry: NodeTelemetry[]; notes: string[] }> {
  if (mode === 'off') return { telemetry, notes: [] };
  const tips = telemetry.filter((t): t is NodeTelemetry & { sha: string } => t.sha !== undefined);
  const { signatures, fresh } = await tipSignatures(
    dir,
    tips.map((t) => t.sha),
    memory.signatures,
  );
  const used: NodeTelemetry[] = [];
  const notes: string[] = [];
  for (const t of tips) {
    const verdict = judgeTelemetryTip(t.node, t.sha, signatures.get(t.sha)!, mode);
    if (verdict.note && fresh.has(t.sha)) notes.push(verdict.note);
    if (verdict.use) memory.lastTrusted.set(t.node, t);
    const heard = verdict.use ? t : memory.lastTrusted.get(t.node);
    if (heard) used.push(heard);
  }
  return { telemetry: used, notes };
}
