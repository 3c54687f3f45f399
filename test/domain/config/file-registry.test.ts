import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FILE_KINDS, fileKind, kindOf, schemaModeline } from '../../../src/domain/config/file-registry.js';

describe('kindOf', () => {
  it.each([
    ['factory.yaml', 'factory'],
    ['./factory.yaml', 'factory'],
    ['factory-state/overrides.yaml', 'overrides'],
    ['factory-state/halts.yaml', 'halts'],
    ['factory-state/schedule.yaml', 'schedule'],
    ['factory-state/alarms.yaml', 'alarms'],
    ['factory-state/assignments.yaml', 'assignments'],
    ['repos/presets/factory-labels.yaml', 'preset'],
    ['repos/presets/acme/base.yaml', 'preset'],
    ['repos/acme/web.yaml', 'repo'],
    ['repos\\acme\\web.yaml', 'repo'],
    ['repos/web.yaml', undefined],
    ['repos/a/b/c.yaml', undefined],
    ['factory-state/notes.yaml', undefined],
    ['sub/factory.yaml', undefined],
    ['factory.yml', undefined],
  ])('%s -> %s', (path, kind) => {
    expect(kindOf(path)?.name).toBe(kind);
  });

  it('a new kind plugs in as one entry, and the first match wins', () => {
    const leases = fileKind('leases', 'factory-state/leases.yaml', z.strictObject({}), 'who holds what');
    const kinds = [...FILE_KINDS, leases];
    expect(kindOf('factory-state/leases.yaml', kinds)?.name).toBe('leases');
    expect(kindOf('factory-state/leases.yaml')).toBeUndefined();
    const wide = fileKind('any-repo', 'repos/**/*.yaml', z.strictObject({}), 'after the presets');
    expect(kindOf('repos/presets/base.yaml', [...FILE_KINDS, wide])?.name).toBe('preset');
  });
});

describe('schemaModeline', () => {
  it.each([
    ['factory.yaml', '# yaml-language-server: $schema=./schemas/factory.schema.json'],
    ['factory-state/overrides.yaml', '# yaml-language-server: $schema=../schemas/overrides.schema.json'],
    ['repos/acme/web.yaml', '# yaml-language-server: $schema=../../schemas/repo.schema.json'],
    ['repos/presets/org/base.yaml', '# yaml-language-server: $schema=../../../schemas/preset.schema.json'],
    ['README.yaml', undefined],
  ])('%s', (path, line) => {
    expect(schemaModeline(path)).toBe(line);
  });
});
