// Wires the placement views for nodes, assignments and status: the files on main, every node's
// telemetry branch, and this clone's supervisor figures (its Woodpecker agents), into the domain.
import { formatProblem, type ConfigProblem } from '../errors.js';
import { readPlacementFiles } from '../adapters/control-repo/placement-files.js';
import { readSupervisorStats } from '../adapters/control-repo/supervisor-stats.js';
import { readTelemetry } from '../adapters/telemetry/read.js';
import { assignmentsView, type AssignmentsView } from '../domain/placement/assignments-view.js';
import { nodesView, type NodeView } from '../domain/placement/nodes-view.js';

export interface PlacementViews {
  nodes: NodeView[];
  /** Absent when assignments.yaml does not parse (a note says why). */
  assignments?: AssignmentsView;
  /** Why assignments.yaml does not parse. */
  problems: ConfigProblem[];
}

export async function readPlacementViews(
  dir: string,
  remote: string | undefined,
  now: number,
  notes: string[],
): Promise<PlacementViews> {
  const files = await readPlacementFiles(dir);
  for (const p of files.problems) notes.push(`placement not shown: ${formatProblem(p)}`);
  const telemetry = await readTelemetry(dir, remote, ['sample']);
  const ciAgents = readSupervisorStats(dir)?.ciAgents;
  const nodes = nodesView({
    config: files.factory,
    ...(files.assignments ? { assignments: files.assignments } : {}),
    telemetry,
    ...(ciAgents ? { ciAgents } : {}),
    now,
  });
  const problems = files.problems;
  return files.assignments ? { nodes, assignments: assignmentsView(files.assignments), problems } : { nodes, problems };
}
