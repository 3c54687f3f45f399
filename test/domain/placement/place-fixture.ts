import type { Assignments } from '../../../src/domain/placement/assignments-file.js';
import {
  DEFAULT_PLACEMENT_POLICY,
  type PlacementInput,
  type PlacementNode,
  type PlacementSlot,
} from '../../../src/domain/placement/types.js';

/** A ready node running dev and review with 4000 MiB available of 8000 and the default 2000 MiB level-1 line. */
export const node = (name: string, more: Partial<PlacementNode> = {}): PlacementNode => ({
  name,
  roles: ['dev', 'review'],
  labels: {},
  caps: {},
  liveness: 'ready',
  haltedRoles: {},
  memAvailableMb: 4000,
  memTotalMb: 8000,
  level1FreeMb: 2000,
  ...more,
});

export const slot = (id: string, peakMb = 500, more: Partial<PlacementSlot> = {}): PlacementSlot => ({
  id,
  role: id.split('@')[0]!,
  ...(id.includes('@') ? { repo: id.split('@')[1]! } : {}),
  nodeSelector: {},
  peakMb,
  ...more,
});

/** A previous assignments file: slot id -> node (null: placed nowhere). */
export const previous = (nodes: Record<string, string | null>, halted: string[] = []): Assignments => ({
  slots: Object.fromEntries(
    Object.entries(nodes).map(([id, n]) => [
      id,
      { node: n, reason: 'earlier', candidates: {}, ...(halted.includes(id) ? { halted: true } : {}) },
    ]),
  ),
});

export const input = (
  slots: PlacementSlot[],
  nodes: PlacementNode[],
  more: Partial<PlacementInput> = {},
): PlacementInput => ({
  slots,
  nodes,
  previous: { slots: {} },
  haltedRoles: {},
  policy: DEFAULT_PLACEMENT_POLICY,
  decidedAt: '2026-12-02T08:00:00Z',
  ...more,
});
