import { cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadControlView } from '../../../src/adapters/control-repo/view.js';
import { renderAssignmentsYaml } from '../../../src/domain/placement/assignments-file.js';

const TEMPLATE = fileURLToPath(new URL('../../../', import.meta.url));

describe("the gate's view of assignments.yaml", () => {
  const root = mkdtempSync(join(tmpdir(), 'factoryctl-view-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  cpSync(join(TEMPLATE, 'factory.yaml'), join(root, 'factory.yaml'));
  cpSync(join(TEMPLATE, 'factory-state'), join(root, 'factory-state'), { recursive: true });
  const write = (text: string) => writeFileSync(join(root, 'factory-state/assignments.yaml'), text);
  const placed = (node: string) =>
    renderAssignmentsYaml({
      decidedAt: '2026-12-02T08:00:00Z',
      slots: { dev: { node, reason: 'most headroom', candidates: { vps1: { score: 10 }, vps2: { score: 20 } } } },
      peaks: { dev: 900 },
    });

  it("reads the writer's file by its lines, a hand-written one by the full parse, and keeps the last good one", async () => {
    write(placed('vps2'));
    expect((await loadControlView(root)).view.assignments).toEqual({
      decidedAt: '2026-12-02T08:00:00Z',
      slots: { dev: { node: 'vps2', reason: 'most headroom' } },
    });
    write('decidedAt: 2026-12-02T09:00:00Z\nslots:\n  dev: { node: vps1, reason: by hand }\n');
    expect((await loadControlView(root)).view.assignments.slots.dev).toEqual({ node: 'vps1', reason: 'by hand' });
    write(placed('vps1'));
    expect((await loadControlView(root)).view.assignments.slots.dev).toEqual({ node: 'vps1', reason: 'most headroom' });
    // Neither the scan nor the parse takes this: the last version read (by the scan) stands, with the problem.
    write('slots:\n  dev: { node: [oops\n');
    const broken = await loadControlView(root);
    expect(broken.view.assignments.slots.dev).toEqual({ node: 'vps1', reason: 'most headroom' });
    expect(broken.invalid?.message).toMatch(/assignments\.yaml/);
  });

  it('answers from what it kept for a file that has not changed, and sees every rewrite, even one of the same size', async () => {
    const file = join(root, 'factory-state/assignments.yaml');
    const settle = () => utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    write(placed('vps1'));
    settle();
    expect((await loadControlView(root)).view.assignments.slots.dev?.node).toBe('vps1');
    expect((await loadControlView(root)).view.assignments.slots.dev?.node).toBe('vps1');
    // Same size, written in place: its mtime moved, so it is read again.
    write(placed('vps2'));
    expect((await loadControlView(root)).view.assignments.slots.dev?.node).toBe('vps2');
    // Rewritten again within the same second, same size: the fresh stamp was not trusted.
    write(placed('vps1'));
    expect((await loadControlView(root)).view.assignments.slots.dev?.node).toBe('vps1');
  });
});
