// `factoryctl status`'s placement sections: the nodes (one row each) and the slots (one row each,
// no candidates: `factoryctl assignments` has those), shown once assignments.yaml has slots.
import { assignmentsSummary, renderAssignments, renderNodes } from './placement-text.js';
import { readPlacementViews, type PlacementViews } from './placement-views.js';

export interface PlacementSections {
  json: Pick<PlacementViews, 'nodes' | 'assignments'>;
  text(width: number): string;
}

/** Invalid files are notes here, never an error: status must show the rest. */
export async function placementSections(
  dir: string,
  remote: string | undefined,
  now: number,
  notes: string[],
): Promise<PlacementSections | undefined> {
  let views: PlacementViews;
  try {
    views = await readPlacementViews(dir, remote, now, notes);
  } catch (error) {
    notes.push(`placement not shown: ${(error as Error).message}`);
    return undefined;
  }
  const { nodes, assignments } = views;
  return {
    json: { nodes, ...(assignments ? { assignments } : {}) },
    text: (width) =>
      [
        '',
        'nodes:',
        renderNodes(nodes, width, false),
        ...(assignments
          ? ['', `assignments: ${assignmentsSummary(assignments)}`, renderAssignments(assignments, width)]
          : []),
        '',
      ].join('\n'),
  };
}
