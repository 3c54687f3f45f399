import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const TEMPLATE = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(TEMPLATE, 'bin', 'factoryctl.js');
const dir = mkdtempSync(join(tmpdir(), 'factoryctl-validate-receivers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = readFileSync(join(TEMPLATE, 'factory.yaml'), 'utf8').trimEnd();
cpSync(join(TEMPLATE, 'factory-state'), join(dir, 'factory-state'), { recursive: true });

/** The template's factory.yaml with an `alerts` section; validate's output and the line of each alerts line. */
function validateWith(alerts: string[]) {
  writeFileSync(join(dir, 'factory.yaml'), `${base}\n${alerts.join('\n')}\n`);
  const r = spawnSync(process.execPath, [BIN, 'validate'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, FACTORY_DIR: '' },
  });
  return { code: r.status, out: r.stdout + r.stderr, line: (i: number) => base.split('\n').length + i + 1 };
}

describe('factoryctl validate: alert receivers', () => {
  it('a receiver URL that is not http(s): 78 with file:line:col and field', () => {
    const r = validateWith(['alerts:', '  receivers:', '    phone: { type: webhook, url: "file:///etc/passwd" }']);
    expect(r.code, r.out).toBe(78);
    expect(r.out).toMatch(new RegExp(`factory.yaml:${r.line(2)}:\\d+: alerts.receivers.phone.url: only http\\(s\\)`));
  });

  it('a route to an unknown receiver: 78 with file:line:col and field', () => {
    const r = validateWith([
      'alerts:',
      '  receivers:',
      '    phone: { type: webhook, format: ntfy, url: "https://ntfy.sh/factory" }',
      '  routes:',
      '    - { severity: [critical], receivers: [phone, pager] }',
    ]);
    expect(r.code, r.out).toBe(78);
    expect(r.out).toMatch(
      new RegExp(`factory.yaml:${r.line(4)}:\\d+: alerts.routes.0.receivers.1: unknown receiver "pager"`),
    );
  });
});
