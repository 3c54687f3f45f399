import { describe, expect, it } from 'vitest';
import { describeState } from '../../src/domain/describe-state.js';
import type { RoleState } from '../../src/domain/effective-state.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const state = (s: Partial<RoleState>): RoleState => ({
  role: 'dev',
  node: 'vps1',
  state: 'run',
  source: 'none',
  reason: 'no halt in force',
  by: 'default',
  layers: {},
  ...s,
});

describe("describeState: the line an agent's log shows", () => {
  it.each([
    ['a plain run', state({}), 'dev on vps1: run (no halt in force)'],
    [
      'a pinned run',
      state({ source: 'override', reason: 'demo', by: 'alice' }),
      'dev on vps1: run (demo, pinned by alice)',
    ],
    [
      'a halt with since and until',
      state({
        repo: 'acme/web',
        state: 'halt',
        source: 'override',
        reason: 'deploy',
        by: 'alice',
        since: '2026-11-25T11:55:00Z',
        until: '2026-11-25T13:00:00Z',
      }),
      'dev (acme/web) on vps1: HALTED by alice since 2026-11-25T11:55:00Z (5m ago), until 2026-11-25T13:00:00Z: deploy',
    ],
  ] as const)('%s', (_name, s, line) => {
    expect(describeState(s, NOW)).toBe(line);
  });
});
