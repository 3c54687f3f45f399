import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../support/shared-dir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = JSON.parse(readFileSync(sharedPath('specs', 'woodpecker-pipeline-schema.json'), 'utf8'));
// ajv-formats is CommonJS: its default export arrives wrapped under ESM
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv,
) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const load = (name: string) => parse(readFileSync(`${root}.woodpecker/${name}`, 'utf8')) as Record<string, unknown>;
type Step = { name: string; commands: string[]; environment?: Record<string, unknown>; when?: unknown };

describe('.woodpecker pipelines', () => {
  it.each(['validate.yaml', 'reconcile.yaml'])('%s matches the Woodpecker v3 pipeline schema', (name) => {
    const ok = validate(load(name));
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check is not vacuous: a broken pipeline is rejected', () => {
    expect(validate({ steps: [{ name: 'x', image: 'node', commands: ['true'], when: { event: 'pushed' } }] })).toBe(
      false,
    );
  });

  it('validate runs on every push and pull request', () => {
    const p = load('validate.yaml');
    expect(p.when).toEqual([{ event: ['push', 'pull_request'] }]);
    expect((p.steps as Step[]).some((s) => s.commands.some((c) => /factoryctl\.js validate$/.test(c)))).toBe(true);
  });

  it('reconcile --apply runs on push to main when factory.yaml or repos/ changed, token from a secret', () => {
    const p = load('reconcile.yaml');
    expect(p.when).toEqual([{ event: 'push', branch: 'main', path: { include: ['factory.yaml', 'repos/**'] } }]);
    const step = (p.steps as Step[]).find((s) => s.commands.some((c) => c.includes('reconcile --apply')));
    expect(step).toBeDefined();
    const env = Object.values(step?.environment ?? {});
    expect(env.length).toBeGreaterThan(0);
    // every variable a secret, never a literal token
    for (const v of env) expect(v).toMatchObject({ from_secret: expect.any(String) });
  });
});
