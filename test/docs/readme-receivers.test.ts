import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemsOf, validateControlRepo } from '../../src/domain/config/validate.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const EXAMPLE = /## Receivers\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(README)?.[1];

const FACTORY = `version: 1
name: readme
roles:
  dev: { haltLevel: 1 }
nodes:
  default: { roles: [dev] }
forges:
  codeberg: { type: forgejo, url: https://codeberg.org, tokenEnv: CODEBERG_TOKEN }
`;

describe("the README's receivers example", () => {
  it('is a factory.yaml `alerts` section that validates without a problem', () => {
    expect(EXAMPLE).toBeDefined();
    const result = validateControlRepo([{ path: 'factory.yaml', text: FACTORY + EXAMPLE }]);
    expect(problemsOf(result)).toEqual([]);
  });
});
