import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/commands/status-text.js';
import type { RoleState } from '../../src/domain/effective-state.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const row = (r: Partial<RoleState>): RoleState => ({
  role: 'dev',
  node: 'vps1',
  state: 'run',
  source: 'none',
  reason: 'no halt in force',
  by: 'default',
  layers: {},
  ...r,
});

describe('status table', () => {
  it('pads the columns, shows who halted and since when, and marks a silent node STALE', () => {
    const text = renderTable(
      [
        row({ state: 'halt', source: 'override', reason: 'deploy', by: 'alice', since: '2026-11-25T11:55:00Z' }),
        row({ node: 'vps2', repo: 'acme/web' }),
      ],
      NOW,
      120,
      new Set(['vps2']),
    );
    expect(text.split('\n')).toEqual([
      'NODE          ROLE          STATE   SOURCE    SINCE   WHY',
      'vps1          dev           HALTED  override  5m ago  deploy [alice]',
      'vps2 (STALE)  dev acme/web  run     none      -       no halt in force',
    ]);
  });
});
