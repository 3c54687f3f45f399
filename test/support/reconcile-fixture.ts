import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../../src/commands/context.js';

export interface ReposFixture {
  dir: string;
  slugs: string[];
  cleanup(): void;
}

/**
 * A control repo with `count` repositories org/r00.. on one forge, each extending the template's
 * factory-labels preset and protecting main; `extra` adds repository files verbatim.
 */
export function makeReposFixture(
  forgeUrl: string,
  count: number,
  extra: Record<string, string> = {},
  labelsPreset = fileURLToPath(new URL('../../repos/presets/factory-labels.yaml', import.meta.url)),
): ReposFixture {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-reconcile-'));
  mkdirSync(join(dir, 'repos/presets'), { recursive: true });
  mkdirSync(join(dir, 'repos/org'), { recursive: true });
  copyFileSync(labelsPreset, join(dir, 'repos/presets/factory-labels.yaml'));
  writeFileSync(
    join(dir, 'factory.yaml'),
    [
      'version: 1',
      'name: test-factory',
      'roles:',
      '  dev: { haltLevel: 1, heavy: true, command: ./dev-poll.sh, schedule: { min: 2m, max: 30m } }',
      'nodes:',
      '  default: { roles: [dev], control: [halt-files] }',
      'forges:',
      `  emu: { type: forgejo, url: "${forgeUrl}", tokenEnv: FORGE_TOKEN }`,
      '',
    ].join('\n'),
  );
  const slugs = Array.from({ length: count }, (_, i) => `org/r${String(i).padStart(2, '0')}`);
  for (const slug of slugs) {
    writeFileSync(
      join(dir, `repos/${slug}.yaml`),
      [
        'extends: [factory-labels]',
        'forge: emu',
        'branchProtection:',
        '  - { branch: main, requiredApprovals: 1, requiredStatusChecks: [ci/woodpecker/pr/test] }',
        '',
      ].join('\n'),
    );
  }
  for (const [path, text] of Object.entries(extra)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, slugs, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A CommandContext that records what a command prints. */
export function recordingContext(
  dir: string,
  env: NodeJS.ProcessEnv,
  json = true,
): CommandContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    dir,
    node: 'test-node',
    nodeFlag: undefined,
    dirSource: 'flag',
    json,
    env,
    interactive: false,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    now: () => Date.now(),
    stdout,
    stderr,
  };
}
