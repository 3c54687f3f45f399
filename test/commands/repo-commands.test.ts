import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as configShow } from '../../src/commands/config-show.js';
import { run as env } from '../../src/commands/env.js';
import { run as practices } from '../../src/commands/practices.js';
import { ConfigError } from '../../src/errors.js';
import { recordingContext } from '../support/reconcile-fixture.js';

const SLUG = 'example-org/example-repo';
let dir: string;
let home: string;

// The template's own repos/, with forges named as the example uses them.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'repo-commands-'));
  home = join(dir, 'home');
  cpSync(fileURLToPath(new URL('../../repos', import.meta.url)), join(dir, 'repos'), { recursive: true });
  const factory = readFileSync(fileURLToPath(new URL('../../factory.yaml', import.meta.url)), 'utf8')
    .replace(
      /^forges: \{\}$/m,
      'forges:\n  codeberg: { type: forgejo, url: "https://codeberg.org", tokenEnv: CODEBERG_TOKEN }',
    )
    .replace(
      /^ci: \{\}$/m,
      'ci:\n  woodpecker: { type: woodpecker, url: "https://ci.codeberg.org", tokenEnv: WOODPECKER_TOKEN }',
    );
  writeFileSync(join(dir, 'factory.yaml'), factory);
  mkdirSync(join(home, '.config/factory'), { recursive: true });
  writeFileSync(
    join(home, '.config/factory/example-repo.env'),
    "# agent secrets\nANTHROPIC_API_KEY='sk-test'\nEXTRA=1\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config show', () => {
  it('prints the resolved config with the file and line of each value', async () => {
    const ctx = recordingContext(dir, {}, false);
    expect(await configShow(['show', SLUG], ctx)).toBe(0);
    const text = ctx.stdout.join('\n');
    expect(text).toMatch(/requiredApprovals: 2 # repos\/example-org\/example-repo\.yaml:\d+:\d+/);
    expect(text).toMatch(/name: ready # repos\/presets\/factory-labels\.yaml:\d+:\d+/);
    expect(text).not.toContain('wontfix'); // removed by the repository
  });

  it('--json gives the provenance of every value', async () => {
    const ctx = recordingContext(dir, {}, true);
    await configShow(['show', SLUG], ctx);
    const out = JSON.parse(ctx.stdout.join(''));
    expect(out.presets).toEqual(['factory-labels', 'factory-defaults']);
    expect(out.provenance['branchProtection[main].requiredStatusChecks']).toMatch(
      /^repos\/presets\/factory-defaults\.yaml:\d+:\d+$/,
    );
    expect(out.provenance['labels[docs].color']).toMatch(/^repos\/example-org\/example-repo\.yaml:/);
  });

  it('an unknown repository is exit 66 naming the file it looked for', async () => {
    await expect(configShow(['show', 'no/such'], recordingContext(dir, {}))).rejects.toMatchObject({
      exitCode: 66,
      message: expect.stringContaining('repos/no/such.yaml'),
    });
  });
});

describe('practices', () => {
  it('prints shared practices with the repository override applied', async () => {
    const ctx = recordingContext(dir, {}, false);
    expect(await practices([SLUG], ctx)).toBe(0);
    const text = ctx.stdout.join('\n');
    expect(text).toContain('## small-prs');
    expect(text).toContain(readFileSync(join(dir, 'repos/presets/practices/small-prs.md'), 'utf8').trim());
    expect(text).toContain('also update CHANGELOG.md');
    expect(text).toContain('## tests-first');
  });
});

describe('env', () => {
  it('prints exports that a real shell evals to the values from the environment and the env file', async () => {
    const ctx = recordingContext(dir, { HOME: home, EXAMPLE_REPO_TOKEN: "tok'en $x" }, false);
    expect(await env([SLUG], ctx)).toBe(0);
    const script = `${ctx.stdout.join('\n')}\nprintf '%s|%s|%s|%s' "$FACTORY_REPO" "$EXAMPLE_REPO_TOKEN" "$ANTHROPIC_API_KEY" "$EXTRA"`;
    expect(execFileSync('sh', ['-c', script], { encoding: 'utf8', env: {} })).toBe(`${SLUG}|tok'en $x|sk-test|1`);
  });

  it('a named variable without a value is a config error, and nothing is printed', async () => {
    const ctx = recordingContext(dir, { HOME: home }, false);
    const error = await env([SLUG], ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /repos\/example-org\/example-repo\.yaml:\d+:\d+: env\.vars\[EXAMPLE_REPO_TOKEN\]: EXAMPLE_REPO_TOKEN has no value/,
    );
    expect(ctx.stdout).toEqual([]);
  });
});
