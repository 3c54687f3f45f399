import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listControlFiles } from '../../src/adapters/control-repo/files.js';
import { FILE_KINDS, kindOf, schemaFileName } from '../../src/domain/config/file-registry.js';

const TEMPLATE = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(TEMPLATE, 'bin', 'factoryctl.js');

function factoryctl(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-schema-'));
  temps.push(dir);
  return dir;
};

function ajv(): Ajv {
  const a = new Ajv({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(a);
  return a;
}

describe('factoryctl schema', () => {
  it('writes one JSON Schema per file kind; --check passes on them, fails when one is stale or missing', () => {
    const out = tempDir();
    const write = factoryctl(TEMPLATE, 'schema', '--out', out);
    expect(write.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(FILE_KINDS.map(schemaFileName).sort());
    expect(factoryctl(TEMPLATE, 'schema', '--check', '--out', out).code).toBe(0);

    writeFileSync(join(out, 'factory.schema.json'), '{}\n');
    const stale = factoryctl(TEMPLATE, 'schema', '--check', '--out', out);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/^stale\s+\S*factory\.schema\.json$/m);
    expect(readFileSync(join(out, 'factory.schema.json'), 'utf8')).toBe('{}\n');

    rmSync(join(out, 'halts.schema.json'));
    const missing = factoryctl(TEMPLATE, 'schema', '--check', '--out', out, '--json');
    expect(missing.code).toBe(1);
    expect(
      JSON.parse(missing.stdout)
        .files.filter((f: { status: string }) => f.status !== 'unchanged')
        .map((f: { status: string }) => f.status)
        .sort(),
    ).toEqual(['missing', 'stale']);
    expect(existsSync(join(out, 'halts.schema.json'))).toBe(false);
  });

  it("the committed schemas/ are up to date (what CI's `factoryctl schema --check` asserts)", () => {
    expect(factoryctl(TEMPLATE, 'schema', '--check').code).toBe(0);
  });

  it('every template YAML file that names a schema names an existing one, and it accepts the file', async () => {
    const checked: string[] = [];
    for (const path of await listControlFiles(TEMPLATE)) {
      const text = readFileSync(join(TEMPLATE, path), 'utf8');
      const ref = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
      if (!ref || ref.startsWith('http')) continue;
      const schemaPath = resolve(dirname(join(TEMPLATE, path)), ref);
      expect(existsSync(schemaPath), `${path} points at ${ref}`).toBe(true);
      expect(schemaPath.endsWith(schemaFileName(kindOf(path)!)), `${path} points at its own kind's schema`).toBe(true);
      const validate = ajv().compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
      expect(validate(parse(text) ?? {}), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      checked.push(path);
    }
    expect(checked).toEqual(
      expect.arrayContaining(['factory.yaml', 'factory-state/overrides.yaml', 'factory-state/halts.yaml']),
    );
  });

  it('the schemas catch what an editor should flag: unknown keys, wrong types, bad durations, bad enums', () => {
    const schema = (name: string) => ajv().compile(JSON.parse(readFileSync(join(TEMPLATE, 'schemas', name), 'utf8')));
    const factory = schema('factory.schema.json');
    const base = { version: 1, name: 'f', roles: { dev: { haltLevel: 1 } }, nodes: { default: { roles: ['dev'] } } };
    expect(factory(base)).toBe(true);
    expect(factory({ ...base, nmae: 'typo' })).toBe(false);
    expect(factory({ ...base, roles: { dev: { haltLevel: 4 } } })).toBe(false);
    expect(factory({ ...base, roles: { dev: { schedule: { min: '2 minutes', max: '1h' } } } })).toBe(false);
    expect(factory({ ...base, nodes: { default: { roles: ['dev'], control: ['systemd'] } } })).toBe(false);
    const overrides = schema('overrides.schema.json');
    expect(
      overrides({ overrides: [{ role: 'dev', action: 'halt', reason: 'r', by: 'a', since: '2026-01-01T00:00:00Z' }] }),
    ).toBe(true);
    expect(overrides({ overrides: [{ role: 'dev', action: 'pause', reason: 'r', by: 'a', since: 'yesterday' }] })).toBe(
      false,
    );
  });

  it('describes fields, so editors show help while typing', () => {
    const text = readFileSync(join(TEMPLATE, 'schemas', 'factory.schema.json'), 'utf8');
    expect(text).toContain('"description": "pressure level at which this role halts');
  });
});
