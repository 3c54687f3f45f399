import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyHaltFiles } from '../../../src/adapters/node/halt-files.js';
import type { NodeDecision, Override, SupervisorHalt } from '../../../src/domain/config/state-schema.js';
import { effectiveState } from '../../../src/domain/effective-state.js';
import { localPlan } from '../../../src/domain/local-plan.js';
import type { ActiveEvent } from '../../../src/domain/node/active-record.js';

// disinto's agents, and its convention: a script runs only while $FACTORY_ROOT/state/.<agent>-active exists.
const ROLES = ['dev', 'reviewer', 'gardener', 'planner', 'predictor', 'architect', 'supervisor'];
const CHECK_ACTIVE = 'check_active() { [ -f "$FACTORY_ROOT/state/.$1-active" ]; }';
const SINCE = '2026-12-02T10:00:00Z';
const T0 = Date.parse(SINCE);

const root = mkdtempSync(join(tmpdir(), 'factoryctl-dropin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const paths = { runDir: join(root, 'run'), stateDir: join(root, 'state') };
const active = (role: string) => join(paths.stateDir, `.${role}-active`);

/** Which agents check_active lets run, as the factory's own scripts see it. */
function checkActive(): string[] {
  const script = `${CHECK_ACTIVE}\nfor a in ${ROLES.join(' ')}; do if check_active "$a"; then printf '%s ' "$a"; fi; done`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8', env: { FACTORY_ROOT: root } })
    .trim()
    .split(' ');
}

interface Sources {
  overrides?: Override[];
  halts?: SupervisorHalt[];
  nodeDecision?: NodeDecision;
}
/** One node cycle's halt-file step: the effective state of every role, applied. */
function cycle(sources: Sources = {}, at = T0): ActiveEvent[] {
  const stateOf = (q: { role: string; repo?: string }) =>
    effectiveState({ ...q, node: 'n1' }, { overrides: [], halts: [], protectedRoles: ['supervisor'], ...sources }, at);
  const plan = localPlan({
    assignments: [],
    roles: ROLES,
    stateOf,
    paths,
    cron: { controlDir: root, node: 'n1', nodeBin: process.execPath, cli: '/bin/true' },
  });
  return applyHaltFiles(plan, at).external;
}

const pressure: NodeDecision = {
  node: 'n1',
  level: 1,
  halted: ['dev'],
  reason: 'memory low',
  since: SINCE,
  updatedAt: SINCE,
};
const ci: SupervisorHalt = {
  role: 'reviewer',
  reason: 'CI queue past the reviewer limit',
  by: 'supervisor/ci-overload',
  since: SINCE,
};
const human: Override = { role: 'gardener', action: 'halt', reason: 'pruning by hand', by: 'alice', since: SINCE };

describe("drop-in .<agent>-active files shared with the factory's own scripts", () => {
  it('halts by pressure, by CI overload and by a human are each seen by check_active', () => {
    expect(cycle()).toEqual([]);
    expect(checkActive()).toEqual(ROLES);
    cycle({ nodeDecision: pressure, halts: [ci], overrides: [human] });
    expect(checkActive()).toEqual(['planner', 'predictor', 'architect', 'supervisor']);
    cycle();
    expect(checkActive()).toEqual(ROLES);
  });

  it('an outside removal of .dev-active survives ten node cycles, journaled once; an outside re-creation ends it', () => {
    unlinkSync(active('dev')); // the factory's supervisor pauses dev (red main)
    const events = Array.from({ length: 10 }, (_, i) => cycle({}, T0 + i * 5000));
    expect(events[0]).toEqual([{ kind: 'external-halt', path: active('dev'), ends: false }]);
    expect(events.slice(1).flat()).toEqual([]);
    expect(checkActive()).not.toContain('dev');

    writeFileSync(active('dev'), ''); // that writer resumes dev
    expect(cycle()).toEqual([{ kind: 'external-resume', path: active('dev'), ends: true }]);
    expect(checkActive()).toContain('dev');
    // factoryctl manages the file again: its own pressure halt removes it
    expect(cycle({ nodeDecision: pressure })).toEqual([]);
    expect(checkActive()).not.toContain('dev');
  });

  it('an entrypoint touching every file while dev is halted is an outside resume, honoured until undone', () => {
    writeFileSync(active('dev'), '');
    const events = Array.from({ length: 10 }, () => cycle({ nodeDecision: pressure }));
    expect(events[0]).toEqual([{ kind: 'external-resume', path: active('dev'), ends: false }]);
    expect(events.slice(1).flat()).toEqual([]);
    expect(checkActive()).toContain('dev');
    unlinkSync(active('dev'));
    expect(cycle({ nodeDecision: pressure })).toEqual([{ kind: 'external-halt', path: active('dev'), ends: true }]);
    expect(cycle()).toEqual([]);
    expect(checkActive()).toEqual(ROLES);
  });
});
