import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { EXIT } from '../exit-codes.js';
import { renderSchemas } from '../domain/config/json-schema.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl schema [--out DIR] [--check] [--json]

Writes one JSON Schema per kind of control-repo file (factory.yaml, factory-state/*.yaml,
repos/**) into schemas/ of the control repo, so editors with yaml-language-server complete and
check the YAML as it is typed. Each YAML file points at its schema on its first line, e.g.
  # yaml-language-server: $schema=./schemas/factory.schema.json

  --out DIR  write there instead of <control repo>/schemas
  --check    write nothing; exit 1 if a committed schema is missing or out of date (for CI)`;

type Status = 'written' | 'unchanged' | 'stale' | 'missing';

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { out: { type: 'string' }, check: { type: 'boolean' } }, 0);
  const out = values.out !== undefined ? resolve(values.out) : join(requireDir(ctx), 'schemas');
  const check = values.check === true;

  const results = renderSchemas().map(({ file, text }) => {
    const path = join(out, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    let status: Status;
    if (current === text) status = 'unchanged';
    else if (check) status = current === undefined ? 'missing' : 'stale';
    else {
      mkdirSync(out, { recursive: true });
      writeFileSync(path, text);
      status = 'written';
    }
    return { file: relative(process.cwd(), path) || path, status };
  });

  const outdated = results.filter((r) => r.status === 'stale' || r.status === 'missing');
  if (ctx.json) ctx.out(JSON.stringify({ ok: outdated.length === 0, out, files: results }));
  else {
    for (const r of results) if (r.status !== 'unchanged' || check) ctx.out(`${r.status.padEnd(9)} ${r.file}`);
    if (outdated.length > 0)
      ctx.err(
        `${outdated.length} schema file(s) out of date: run \`factoryctl schema\` and commit ${relative(process.cwd(), out) || '.'}`,
      );
  }
  // 1, not 78: the config is fine, a generated file is behind (like `prettier --check`).
  return outdated.length > 0 ? 1 : EXIT.OK;
}
