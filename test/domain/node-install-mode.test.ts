import { describe, expect, it } from 'vitest';
import { installLoopMode } from '../../src/domain/node-install-mode.js';

describe('node install: loop mode from factory.yaml', () => {
  const rows: [string, string | undefined, string, object][] = [
    ['a listed node in loop mode', 'nodes:\n  a: { roles: [dev], control: [loop] }\n', 'a', { loop: true }],
    ['a listed node with crontab control', 'nodes:\n  a: { roles: [dev], control: [crontab] }\n', 'a', { loop: false }],
    ['an unlisted node takes "default"', 'nodes:\n  default: { roles: [dev] }\n', 'b', { loop: false }],
    [
      'an unlisted node, no default: the safe choice, with a warning',
      'nodes:\n  a: { roles: [dev] }\n',
      'b',
      { loop: true, warning: expect.stringContaining('node "b" is not in factory.yaml') },
    ],
    ['no factory.yaml: the safe choice', undefined, 'a', { loop: true }],
    ['unreadable YAML: the safe choice', 'nodes: [\n', 'a', { loop: true }],
    ['an empty file: the safe choice, no warning', '', 'a', { loop: true }],
  ];
  it.each(rows)('%s', (_, text, node, expected) => {
    const mode = installLoopMode(text, node);
    expect(mode).toMatchObject(expected);
    if (!('warning' in expected)) expect(mode.warning).toBeUndefined();
  });
});
