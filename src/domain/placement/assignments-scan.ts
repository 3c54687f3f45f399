// The gate's read of assignments.yaml without a YAML parse: at 1,000 slots on 200 nodes the file is
// ~6 MB of candidate lines, which the yaml library and zod take far longer to read than the gate
// may spend. The gate needs only each slot's node, halt, reason and hand-over, so this walks the
// lines our own writer emits (the FORMAT INVARIANT on renderAssignmentsYaml in assignments-file.ts;
// change both together), skips candidate lines after a cheap shape check, and gives up (undefined:
// the caller parses the whole file) on anything that writer would not have written.
import { isPlainScalar } from './assignments-format.js';
import type { AssignedSlots } from './slot-owner.js';

type Entry = AssignedSlots['slots'][string];

const SIX = '      ';
const NODE = '    node: ';
const HALTED = '    halted: true';
const REASON = '    reason: ';
const HANDOFF = '    handoff: { from: ';
const SINCE = ', since: ';

/** A whole value as scalar() writes it: a JSON string, or a plain one it would leave plain. */
function wholeScalar(s: string): string | undefined {
  if (s.charCodeAt(0) !== 34) return isPlainScalar(s) ? s : undefined;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** `FROM, since: SINCE` of a handoff line: FROM's value, or undefined. */
function handoffFrom(inner: string): string | undefined {
  let cut: number;
  if (inner.charCodeAt(0) === 34) {
    cut = 1;
    while (cut < inner.length && inner.charCodeAt(cut) !== 34) cut += inner.charCodeAt(cut) === 92 ? 2 : 1;
    cut += 1;
  } else cut = inner.indexOf(SINCE);
  if (cut <= 0 || !inner.startsWith(SINCE, cut)) return undefined;
  const from = wholeScalar(inner.slice(0, cut));
  return from !== undefined && wholeScalar(inner.slice(cut + SINCE.length)) !== undefined ? from : undefined;
}

/** assignments.yaml as the gate reads it, from the writer's lines; undefined: not the writer's format. */
export function scanAssignedSlots(text: string): AssignedSlots | undefined {
  const n = text.length;
  if (n === 0 || text.charCodeAt(n - 1) !== 10) return undefined;
  let pos = 0;
  /** The next line (without its newline), or undefined at the end. */
  const line = (): string | undefined => {
    if (pos >= n) return undefined;
    const end = text.indexOf('\n', pos);
    const s = text.slice(pos, end);
    pos = end + 1;
    return s;
  };
  const peek = (prefix: string) => text.startsWith(prefix, pos);

  let decidedAt = '';
  let head = line();
  while (head !== undefined && head.startsWith('#')) head = line();
  if (head?.startsWith('decidedAt: ')) {
    const v = wholeScalar(head.slice('decidedAt: '.length));
    if (v === undefined) return undefined;
    decidedAt = v;
    head = line();
  }
  if (head?.startsWith('epoch: ')) {
    if (!/^\d+$/.test(head.slice('epoch: '.length))) return undefined;
    head = line();
  }
  const slots: Record<string, Entry> = {};
  if (head === 'slots:') {
    do {
      const entry = scanSlot();
      if (entry === undefined) return undefined;
      const [id, e] = entry;
      if (Object.hasOwn(slots, id)) return undefined;
      slots[id] = e;
    } while (peek('  ') && !peek('   '));
  } else if (head !== 'slots: {}') return undefined;

  // The standings and peaks: not the gate's, so only their shape is checked.
  for (const [section, shape] of [
    ['nodes', /^ {2}\S.*: \{ state: [a-z]+, since: \S+ \}$/],
    ['peaks', /^ {2}\S.*: \d+$/],
  ] as const) {
    if (pos >= n) break;
    const title = line();
    if (title === `${section}: {}`) continue;
    if (title !== `${section}:`) {
      pos -= title!.length + 1;
      continue;
    }
    if (!peek('  ')) return undefined;
    while (peek('  ')) if (!shape.test(line()!)) return undefined;
  }
  return pos === n ? { decidedAt, slots } : undefined;

  function scanSlot(): [string, Entry] | undefined {
    const header = line()!;
    if (!header.endsWith(':')) return undefined;
    const id = wholeScalar(header.slice(2, -1));
    let l = line();
    if (id === undefined || !l?.startsWith(NODE)) return undefined;
    const nodeText = l.slice(NODE.length);
    const node = nodeText === 'null' ? null : wholeScalar(nodeText);
    if (node === undefined) return undefined;
    l = line();
    const halted = l === HALTED;
    if (halted) l = line();
    if (!l?.startsWith(REASON)) return undefined;
    const reason = wholeScalar(l.slice(REASON.length));
    if (!reason) return undefined;
    l = line();
    let from: string | undefined;
    if (l?.startsWith(HANDOFF)) {
      if (!l.endsWith(' }')) return undefined;
      from = handoffFrom(l.slice(HANDOFF.length, -2));
      if (from === undefined) return undefined;
      l = line();
    }
    if (l === '    candidates:') {
      if (!skipCandidates()) return undefined;
    } else if (l !== '    candidates: {}') return undefined;
    return [
      id,
      { node, reason, ...(halted ? { halted: true } : {}), ...(from !== undefined ? { handoff: { from } } : {}) },
    ];
  }

  /** At least one `      NODE: { score: N }` or `      NODE: { excluded: S }` line; the hot loop, so no slices. */
  function skipCandidates(): boolean {
    if (!peek(SIX)) return false;
    do {
      const end = text.indexOf('\n', pos);
      if (text.charCodeAt(pos + 6) === 32 || text.charCodeAt(end - 1) !== 125 || text.charCodeAt(end - 2) !== 32)
        return false;
      const body = text.indexOf(': { ', pos + 7);
      if (body < 0 || body > end) return false;
      if (text.startsWith('score: ', body + 4)) {
        const num = text.slice(body + 11, end - 2);
        if (!/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/.test(num)) return false;
      } else if (!text.startsWith('excluded: ', body + 4)) return false;
      pos = end + 1;
    } while (peek(SIX));
    return true;
  }
}
