// The subject of a node's telemetry commit: "telemetry <node>: heartbeat" when nothing but time
// passed, anything else when the node has news. The supervisor's webhook reads pushes by it (a
// heartbeat-only push is not worth a cycle), so the node's writer and that reader share this.

export function telemetrySubject(node: string, news: string | undefined): string {
  return `telemetry ${node}: ${news ?? 'heartbeat'}`;
}

/** Whether a commit message (subject first) carries no news: a heartbeat, alone or batched. */
export function isHeartbeatMessage(message: string): boolean {
  return /^telemetry \S+: heartbeat(?: \(\+\d+ other cycles\))?$/.test(message.split('\n', 1)[0]!);
}

/**
 * One commit's message for cycles queued while a push was out: the newest cycle's subject (the
 * newest with news, so a batch holding a change never reads as a heartbeat) and how many others rode along.
 */
export function batchMessage(messages: readonly string[]): string {
  const last = messages.findLast((m) => !isHeartbeatMessage(m)) ?? messages[messages.length - 1]!;
  if (messages.length === 1) return last;
  const [subject, ...body] = last.split('\n');
  return [`${subject} (+${messages.length - 1} other cycles)`, ...body].join('\n');
}
