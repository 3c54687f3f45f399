// The layout's rules, checked on every run: the domain stays pure, adapters never reach up into
// the loops or the commands, loops never into the commands. A new import that breaks one fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/shared-dir.js';

const SRC = join(PROJECT_ROOT, 'src');
/** Built-in modules that do I/O: the domain takes what they would give as parameters. */
const IO_BUILTINS = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'dgram',
  'os',
  'worker_threads',
  'cluster',
];

interface Rule {
  room: string;
  forbidden: string[];
  builtins?: string[];
}
const RULES: Rule[] = [
  { room: 'domain', forbidden: ['adapters', 'runtime', 'commands'], builtins: IO_BUILTINS },
  { room: 'adapters', forbidden: ['runtime', 'commands'] },
  { room: 'runtime', forbidden: ['commands'] },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module a file imports (static, dynamic, re-export), as TypeScript itself reads them. */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The rule an import breaks, if any: `file` is relative to src/. */
export function violation(file: string, spec: string): string | undefined {
  const room = file.split('/')[0]!;
  const rule = RULES.find((r) => r.room === room);
  if (!rule) return undefined;
  const builtin = spec.replace(/^node:/, '');
  if (spec.startsWith('node:') || rule.builtins?.includes(builtin)) {
    return rule.builtins?.includes(builtin) ? `${room} must not import ${spec} (I/O belongs in adapters)` : undefined;
  }
  if (!spec.startsWith('.')) return undefined;
  const target = relative(SRC, resolve(dirname(join(SRC, file)), spec));
  const targetRoom = target.split('/')[0]!;
  return rule.forbidden.includes(targetRoom) ? `${room} must not import ${targetRoom} (${spec})` : undefined;
}

function violations(): string[] {
  return sourceFiles(SRC).flatMap((path) => {
    const file = relative(SRC, path);
    return importsOf(readFileSync(path, 'utf8')).flatMap((spec) => {
      const broken = violation(file, spec);
      return broken ? [`src/${file}: ${broken}`] : [];
    });
  });
}

describe('layout boundaries', () => {
  it.each([
    ['domain/pressure/x.ts', 'node:fs', true],
    ['domain/x.ts', 'fs/promises', true],
    ['domain/x.ts', 'node:child_process', true],
    ['domain/x.ts', 'node:crypto', false],
    ['domain/x.ts', 'node:path', false],
    ['domain/x.ts', '../adapters/git/run-git.js', true],
    ['domain/supervisor/x.ts', '../../runtime/node/daemon.js', true],
    ['domain/x.ts', './ports/forge.js', false],
    ['domain/x.ts', 'yaml', false],
    ['adapters/git/x.ts', '../../commands/context.js', true],
    ['adapters/git/x.ts', '../../runtime/supervisor/loop.js', true],
    ['adapters/git/x.ts', 'node:fs', false],
    ['adapters/git/x.ts', '../../domain/duration.js', false],
    ['runtime/node/x.ts', '../../commands/context.js', true],
    ['runtime/node/x.ts', '../../adapters/node/sampler.js', false],
    ['commands/x.ts', '../runtime/node/daemon.js', false],
  ])('%s importing %s breaks a rule: %s', (file, spec, broken) => {
    expect(violation(file, spec) !== undefined).toBe(broken);
  });

  it('sees static, dynamic and re-exported imports', () => {
    expect(
      importsOf(
        "import { a } from './a.js';\nexport * from './b.js';\nconst c = await import('./c.js');\nimport type { D } from 'node:fs';",
      ),
    ).toEqual(['./a.js', './b.js', './c.js', 'node:fs']);
  });

  it('holds for every file under src/', () => {
    expect(violations()).toEqual([]);
  });
});
