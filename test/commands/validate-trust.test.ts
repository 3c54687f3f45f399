import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const TEMPLATE = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(TEMPLATE, 'bin', 'factoryctl.js');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmBq3iT0lXi1L2d6b9gq0x3RkN7V8y8F0a3lQ5f5a1b';
const YAML = readFileSync(join(TEMPLATE, 'factory.yaml'), 'utf8');
const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function validate(mode: string, signers: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-validate-trust-'));
  temps.push(dir);
  cpSync(join(TEMPLATE, 'factory-state'), join(dir, 'factory-state'), { recursive: true });
  writeFileSync(join(dir, 'factory.yaml'), `${YAML}\ntrust:\n  mode: ${mode}\n`);
  if (signers !== undefined) {
    mkdirSync(join(dir, 'trust'));
    writeFileSync(join(dir, 'trust', 'allowed_signers'), signers);
  }
  const r = spawnSync(process.execPath, [BIN, 'validate', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, FACTORY_DIR: '' },
  });
  const out = JSON.parse(r.stdout) as { problems: { file: string; line: number; col: number; message: string }[] };
  return { code: r.status, problems: out.problems };
}

describe('validate: trust/allowed_signers and trust.mode', () => {
  it('passes a valid file in enforce', () => {
    const r = validate('enforce', `# the humans\nhuman:alice ${KEY}\nsupervisor:big ${KEY}\n`);
    expect(r.problems.filter((p) => p.file.startsWith('trust') || p.message.includes('trust'))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it.each([
    {
      situation: 'a malformed line',
      signers: `human:alice ${KEY}\nhuman:bob ssh-ed25519\n`,
      file: 'trust/allowed_signers',
      line: 2,
      col: 22,
      message: /malformed base64/,
    },
    {
      situation: 'a signer with no role',
      signers: `human:alice ${KEY}\nbob ${KEY}\n`,
      file: 'trust/allowed_signers',
      line: 2,
      col: 1,
      message: /"bob" has no role/,
    },
    {
      situation: 'a commit that removes every signer',
      signers: '# nobody\n',
      file: 'trust/allowed_signers',
      line: 1,
      col: 1,
      message: /no human signer/,
    },
    {
      situation: 'enforce with no signer file',
      signers: undefined,
      file: 'factory.yaml',
      message: /enforce needs a signer/,
    },
  ])('exits 78 with the location of $situation', ({ signers, file, line, col, message }) => {
    const r = validate('enforce', signers);
    expect(r.code).toBe(78);
    const problem = r.problems.find((p) => p.file === file && message.test(p.message));
    expect(problem, JSON.stringify(r.problems)).toBeDefined();
    if (line) expect(problem).toMatchObject({ line, col });
    else expect(problem!.line).toBe(YAML.split('\n').length + 2); // the line of `mode: enforce`
  });
});
