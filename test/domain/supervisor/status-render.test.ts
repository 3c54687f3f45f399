import { describe, expect, it } from 'vitest';
import { Alarm } from '../../../src/domain/config/alarm-schema.js';
import { renderStatus, statusChangedMeaningfully } from '../../../src/domain/supervisor/status-render.js';
import type { MemorySample, StatusInput } from '../../../src/domain/supervisor/status-model.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.parse('2025-03-02T08:07:00Z');

/** A day of samples every 5 minutes; vps2's memory dips in the afternoon. */
function day(offsetMb = 0): MemorySample[] {
  const out: MemorySample[] = [];
  for (let t = NOW - 24 * HOUR; t <= NOW; t += 5 * MIN) {
    out.push({ node: 'vps1', at: t, availableMb: 3210 + offsetMb });
    const hour = new Date(t).getUTCHours();
    out.push({ node: 'vps2', at: t, availableMb: (hour >= 14 && hour < 16 ? 1420 : 2890) + offsetMb });
  }
  return out;
}

function input(over: Partial<StatusInput> = {}): StatusInput {
  return {
    factory: 'acme',
    now: NOW,
    roles: [
      { node: 'vps2', role: 'review', state: 'run', reason: 'no pressure', since: NOW - 3 * HOUR, source: 'default' },
      {
        node: 'vps1',
        role: 'dev',
        state: 'halt',
        reason: 'CI queue past the review limit | 12 pending',
        since: NOW - 2 * HOUR,
        source: 'supervisor',
      },
      { node: 'vps1', role: 'review', state: 'run', reason: 'no pressure', since: NOW - 3 * HOUR },
    ],
    schedule: {
      roles: {
        supervisor: { intervalMs: MIN, reason: 'work in flight (2 open PRs)', since: NOW - HOUR },
        dev: { intervalMs: 90_000, reason: 'quiet', since: NOW - 2 * HOUR },
      },
    },
    alarms: [
      Alarm.parse({
        id: 'pipeline-940',
        kind: 'pipeline',
        number: 940,
        command: 'notify-send done',
        createdBy: 'alice',
        createdAt: '2025-03-02T07:00:00Z',
        note: 'release',
      }),
    ],
    decisions: [
      { at: NOW - 2 * HOUR, text: 'halted dev: CI queue past the dev limit' },
      { at: NOW - 10 * MIN, text: 'review interval 2m -> 1m' },
    ],
    memory: day(),
    halts: [
      { role: 'dev', from: NOW - 2 * HOUR - 7 * MIN, reason: 'CI' },
      { role: 'review', node: 'vps2', from: NOW - 18 * HOUR, to: NOW - 17 * HOUR - 50 * MIN, reason: 'memory' },
      { role: 'review', node: 'vps2', from: NOW - 17 * HOUR - 55 * MIN, to: NOW - 17 * HOUR, reason: 'memory' },
      { role: 'dev', node: 'vps1', from: NOW - 30 * HOUR, to: NOW - 25 * HOUR, reason: 'too old for the chart' },
    ],
    ...over,
  };
}

function mermaidBlocks(text: string): string[][] {
  return [...text.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!.split('\n'));
}

describe('renderStatus', () => {
  const text = renderStatus(input());

  it('has a row for every role on every node, sorted, with state, reason and since', () => {
    const rows = text.split('\n').filter((l) => /^\| vps\d /.test(l));
    expect(rows).toEqual([
      '| vps1 | dev | **halted** | supervisor | CI queue past the review limit \\| 12 pending | 2025-03-02 06:07 UTC |',
      '| vps1 | review | runs |   | no pressure | 2025-03-02 05:07 UTC |',
      '| vps2 | review | runs | default | no pressure | 2025-03-02 05:07 UTC |',
    ]);
  });

  it('shows the schedule, pending alarms and recent decisions, newest first', () => {
    expect(text).toContain('| dev | 90s | 2025-03-02 06:07 UTC | quiet |');
    expect(text).toContain('| supervisor | 1m | 2025-03-02 07:07 UTC | work in flight (2 open PRs) |');
    expect(text).toContain(
      '| pipeline-940 | pipeline #940 finishes | `notify-send done` | alice, 2025-03-02 07:00 UTC | release |',
    );
    const decisions = text.split('\n').filter((l) => l.startsWith('- 2025'));
    expect(decisions).toEqual([
      '- 2025-03-02 07:57 UTC: review interval 2m -> 1m',
      '- 2025-03-02 06:07 UTC: halted dev: CI queue past the dev limit',
    ]);
  });

  it('draws one well-formed xychart-beta line per node, on 15-minute buckets rounded to 50 MB', () => {
    const charts = mermaidBlocks(text).filter((b) => b[0] === 'xychart-beta');
    expect(charts).toHaveLength(2);
    for (const c of charts) {
      expect(c[1]).toMatch(/^ {2}title "[^"]+"$/);
      expect(c[2]).toMatch(/^ {2}x-axis "15m steps from 2025-03-01 08:15 UTC" 1 --> 96$/);
      expect(c[3]).toMatch(/^ {2}y-axis "MB" 0 --> \d+$/);
      const points = c[4]!
        .match(/^ {2}line \[([\d, ]+)\]$/)![1]!
        .split(', ')
        .map(Number);
      expect(points).toHaveLength(96);
      for (const p of points) expect(p % 50).toBe(0);
    }
    const vps2 = charts[1]!;
    expect(vps2[1]).toContain('vps2');
    expect(new Set(vps2[4]!.match(/\[(.*)\]/)![1]!.split(', '))).toEqual(new Set(['2850', '1400']));
  });

  it('draws halts of the day as a gantt chart: merged, bucketed, the ongoing one active, the old one left out', () => {
    const gantt = mermaidBlocks(text).find((b) => b[0] === 'gantt')!;
    expect(gantt).toEqual([
      'gantt',
      '  title Halts from 2025-03-01 08:15 to 2025-03-02 08:15 UTC',
      '  dateFormat YYYY-MM-DD HH:mm',
      '  axisFormat %H:%M',
      '  todayMarker off',
      '  section dev',
      '  all nodes :active, 2025-03-02 06:00, 2025-03-02 08:15',
      '  section review',
      '  vps2 :done, 2025-03-01 14:00, 2025-03-01 15:15',
    ]);
  });

  it('gives identical bytes when nothing meaningful changed: later in the same bucket, jitter within a 50 MB bucket, input order', () => {
    const again = renderStatus(
      input({
        now: NOW + 7 * MIN,
        memory: [...day(5).reverse(), { node: 'vps1', at: NOW + 6 * MIN, availableMb: 3245 }],
        roles: [...input().roles].reverse(),
        decisions: [...input().decisions].reverse(),
      }),
    );
    expect(again).toBe(text);
  });

  it('changes when a role changes, and tells chart-only changes apart', () => {
    const halted = renderStatus(input({ roles: input().roles.map((r) => ({ ...r, state: 'halt' as const })) }));
    expect(halted).not.toBe(text);
    expect(statusChangedMeaningfully(text, halted)).toBe(true);
    const nextBucket = renderStatus(input({ now: NOW + 15 * MIN }));
    expect(nextBucket).not.toBe(text);
    expect(statusChangedMeaningfully(text, nextBucket)).toBe(false);
    expect(statusChangedMeaningfully(undefined, text)).toBe(true);
  });

  it("titles a node's memory chart with the cgroup limit it is measured against", () => {
    const limited = day().map((s) => (s.node === 'vps2' ? { ...s, limit: 'cgroup-v2 limit 4096 MB' } : s));
    const page = renderStatus(input({ memory: limited }));
    expect(page).toContain('title "vps2: available memory (of its cgroup-v2 limit 4096 MB), lowest of each');
    expect(page).toContain('title "vps1: available memory, lowest of each');
  });

  it('renders an empty factory without charts that Mermaid would refuse', () => {
    const empty = renderStatus(
      input({
        roles: [],
        schedule: { roles: {} },
        alarms: [],
        decisions: [],
        memory: [{ node: 'vps1', at: NOW, availableMb: 100 }],
        halts: [],
      }),
    );
    expect(empty).toContain('No node has reported yet.');
    expect(empty).toContain('No halts.');
    expect(empty).toContain('vps1: not enough samples yet.');
    expect(mermaidBlocks(empty)).toEqual([]);
  });
});
