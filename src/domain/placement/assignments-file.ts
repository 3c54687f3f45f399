// factory-state/assignments.yaml, the leader supervisor's placement of agent slots on nodes: its one parse and its one render.
import { CONTROL_PATHS } from '../control-paths.js';
import { parseStateYaml, type StateParse } from '../config/parse-state.js';
import { AssignmentsFile, type SlotAssignment } from '../config/state-schema.js';
import { scalar } from './assignments-format.js';
import { cellCandidate, type CandidateRows } from './candidate-rows.js';

export type Assignments = AssignmentsFile;
/** A slot as placement decides it; its candidates travel beside it (candidate-rows.ts). */
export type PlacedSlot = Omit<SlotAssignment, 'candidates'> & { candidates?: SlotAssignment['candidates'] };
/** A placement as decided (or as read, where each slot also has its candidates). */
export type Placement = Omit<Assignments, 'slots'> & { slots: Record<string, PlacedSlot> };

export const NO_ASSIGNMENTS: Assignments = { slots: {} };

export function parseAssignmentsYaml(text: string | undefined): StateParse<Assignments> {
  return parseStateYaml(CONTROL_PATHS.assignments, text, AssignmentsFile);
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * assignments.yaml text: slots and candidates by name, keys in a fixed order, one line per
 * candidate (`vps1: { score: 1200 }`), so the same placement gives the same bytes and a diff of
 * two placements reads line by line. Written by hand rather than by the yaml library: 1,000 slots
 * on 200 nodes are 200,000 candidate lines, which the library takes over a second to lay out.
 *
 * FORMAT INVARIANT, read by the gate's line scan (assignments-scan.ts, which falls back to a full
 * parse on anything else; change both together): `#` comment lines; then `decidedAt: S`, `epoch: N`
 * (each optional, in this order); then `slots: {}` or `slots:` and per slot `  ID:` followed by
 * `    node: S|null`, `    halted: true` (optional), `    reason: S`,
 * `    handoff: { from: S, since: S }` (optional), then `    candidates: {}` or `    candidates:`
 * with one `      NODE: { score: N }` / `      NODE: { excluded: S }` line each; then optional
 * `nodes:` and `peaks:` sections of two-space-indented one-line entries. Every S is `scalar()`:
 * plain or a JSON string, always on one line.
 *
 * `rows`: the candidates of a placement just decided (candidate-rows.ts); without them, each
 * slot's own (a file as read).
 */
export function renderAssignmentsYaml(doc: Placement, rows?: CandidateRows): string {
  const out: string[] = [
    '# yaml-language-server: $schema=../schemas/assignments.schema.json',
    "# Written by the supervisor: which node runs each agent slot, why, and every candidate's score. Do not edit.",
  ];
  if (doc.decidedAt !== undefined) out.push(`decidedAt: ${scalar(doc.decidedAt)}`);
  if (doc.epoch !== undefined) out.push(`epoch: ${doc.epoch}`);
  const ids = Object.keys(doc.slots).sort(byName);
  out.push(ids.length === 0 ? 'slots: {}' : 'slots:');
  for (const id of ids) renderSlot(id, doc.slots[id]!, rows, out);
  if (doc.nodes !== undefined) {
    const names = Object.keys(doc.nodes).sort(byName);
    out.push(names.length === 0 ? 'nodes: {}' : 'nodes:');
    for (const n of names) {
      const s = doc.nodes[n]!;
      out.push(`  ${scalar(n)}: { state: ${s.state}, since: ${scalar(s.since)} }`);
    }
  }
  if (doc.peaks !== undefined) {
    const ids = Object.keys(doc.peaks).sort(byName);
    out.push(ids.length === 0 ? 'peaks: {}' : 'peaks:');
    for (const id of ids) out.push(`  ${scalar(id)}: ${doc.peaks[id]!}`);
  }
  return `${out.join('\n')}\n`;
}

function renderSlot(id: string, slot: PlacedSlot, rows: CandidateRows | undefined, out: string[]): void {
  out.push(`  ${scalar(id)}:`, `    node: ${slot.node === null ? 'null' : scalar(slot.node)}`);
  if (slot.halted) out.push('    halted: true');
  out.push(`    reason: ${scalar(slot.reason)}`);
  if (slot.handoff)
    out.push(`    handoff: { from: ${scalar(slot.handoff.from)}, since: ${scalar(slot.handoff.since)} }`);
  const row = rows?.bySlot.get(id);
  const own = slot.candidates ?? {};
  const nodes = row ? rows!.nodes : Object.keys(own).sort(byName);
  out.push(nodes.length === 0 ? '    candidates: {}' : '    candidates:');
  nodes.forEach((node, i) => {
    const c = row ? cellCandidate(row[i]!) : own[node]!;
    const body = 'score' in c ? `score: ${c.score}` : `excluded: ${scalar(c.excluded)}`;
    out.push(`      ${scalar(node)}: { ${body} }`);
  });
}
