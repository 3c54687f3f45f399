import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { makeControlRepo } from '../support/control-repo.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
/** The snippets an agent script copies: every sh block that gates or evals the environment. */
const SNIPPETS = [...README.matchAll(/```sh\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((s) => /factoryctl (gate|env)\b/.test(s));

const FACTORY = `version: 1
name: readme
roles:
  dev: { haltLevel: 1, heavy: true }
  review: { haltLevel: 2 }
  supervisor: { protected: true }
nodes:
  default: { roles: [dev, review, supervisor], control: [halt-files] }
forges:
  codeberg: { type: forgejo, url: https://codeberg.org, tokenEnv: CODEBERG_TOKEN }
env:
  names: { repo: FORGE_REPO, primaryBranch: PRIMARY_BRANCH }
`;

describe("the README's agent snippets run under set -euo pipefail", () => {
  const fx = makeControlRepo({ factoryYaml: FACTORY, files: { 'repos/acme/web.yaml': 'forge: codeberg\n' } });
  const seed = join(fx.root, 'seed');
  const bin = join(fx.root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'factoryctl'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'factoryctl'), 0o755);
  afterAll(() => fx.cleanup());

  it('finds the snippets', () => expect(SNIPPETS.length).toBeGreaterThanOrEqual(2));

  it.each(SNIPPETS.map((s, i) => [i, s]))('snippet %i reaches its end', async (_i, snippet) => {
    const script = `set -euo pipefail\n${snippet}\necho SNIPPET-DONE`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'bash',
        ['-c', script],
        {
          cwd: seed,
          env: { PATH: `${bin}:/usr/bin:/bin`, HOME: fx.root, FACTORY_DIR: seed, FACTORY_NODE: 'test-node' },
        },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(out).toContain('SNIPPET-DONE');
  });
});
