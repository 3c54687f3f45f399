// factory-state/assignments.yaml, the leader supervisor's placement of agent slots on nodes: its one parse and its one render.
import { stringify } from 'yaml';
import { CONTROL_PATHS } from '../control-paths.js';
import { parseStateYaml, type StateParse } from '../config/parse-state.js';
import { AssignmentsFile, type Candidate, type SlotAssignment } from '../config/state-schema.js';

export type Assignments = AssignmentsFile;

export const NO_ASSIGNMENTS: Assignments = { slots: {} };

export function parseAssignmentsYaml(text: string | undefined): StateParse<Assignments> {
  return parseStateYaml(CONTROL_PATHS.assignments, text, AssignmentsFile);
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** assignments.yaml text: slots and candidates by name, keys in a fixed order, so the same placement gives the same bytes. */
export function renderAssignmentsYaml(doc: Assignments): string {
  const slots = Object.fromEntries(
    Object.keys(doc.slots)
      .sort(byName)
      .map((id) => [id, orderedSlot(doc.slots[id]!)]),
  );
  const top: Record<string, unknown> = {};
  if (doc.decidedAt !== undefined) top.decidedAt = doc.decidedAt;
  if (doc.epoch !== undefined) top.epoch = doc.epoch;
  top.slots = slots;
  return `# yaml-language-server: $schema=../schemas/assignments.schema.json
# Written by the supervisor: which node runs each agent slot, why, and every candidate's score. Do not edit.
${stringify(top, { lineWidth: 0, collectionStyle: 'block', flowCollectionPadding: true }).replace(CANDIDATE_LINE, flowCandidate)}`;
}

function orderedSlot(slot: SlotAssignment): Record<string, unknown> {
  const out: Record<string, unknown> = { node: slot.node };
  if (slot.halted) out.halted = true;
  out.reason = slot.reason;
  out.candidates = Object.fromEntries(
    Object.keys(slot.candidates)
      .sort(byName)
      .map((n) => [n, slot.candidates[n] as Candidate]),
  );
  return out;
}

// Each candidate on one line (`vps1: { score: 1200 }`), so a diff of two placements reads line by line.
const CANDIDATE_LINE = /^( {6}[^\s:]+):\n {8}(score|excluded): (.*)$/gm;
function flowCandidate(_: string, key: string, field: string, value: string): string {
  return `${key}: { ${field}: ${value} }`;
}
