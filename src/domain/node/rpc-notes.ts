/** A journaled rpc, as adapters/node/rpc-journal.ts stores it. */
export interface RpcJournalLine {
  request: string;
  code: number;
  outcome: string;
  reason?: string;
  from?: string;
}

/** Per cycle at most this many refusals reach the telemetry journal; the rest are counted. */
export const RPC_NOTES_MAX = 5;

/**
 * The refused requests among new rpc journal lines, as the node's telemetry journal notes them:
 * the operator sees on the primary what the key was asked and refused, without a flood.
 */
export function rpcRefusalNotes(lines: readonly RpcJournalLine[]): string[] {
  const refused = lines.filter((l) => l.outcome === 'refused');
  const notes = refused
    .slice(0, RPC_NOTES_MAX)
    .map((l) => `"${l.request}" exit ${l.code}: ${l.reason ?? ''}${l.from ? ` (from ${l.from})` : ''}`);
  if (refused.length > RPC_NOTES_MAX)
    notes.push(`and ${refused.length - RPC_NOTES_MAX} more refused (see the node's rpc journal)`);
  return notes;
}
