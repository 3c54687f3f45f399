import { describe, expect, it } from 'vitest';
import { expandPath, parseEnvFile, renderExports, repoEnvironment } from '../../../src/domain/repos/env-file.js';

describe('env file', () => {
  it.each([
    ['A=1', [['A', '1']]],
    ['export A=1', [['A', '1']]],
    ["A='x y'", [['A', 'x y']]],
    ['A="q\\"x"', [['A', 'q"x']]],
    ['A=1 # note', [['A', '1']]],
    ['# comment\n\nB=2', [['B', '2']]],
  ])('parses %j', (text, expected) => {
    expect([...parseEnvFile(text).values]).toEqual(expected);
  });

  it('reports lines that are not NAME=value', () => {
    expect(parseEnvFile('A=1\nnot a line\n').bad).toEqual([2]);
  });

  it('renders exports a shell evals back to the same value', () => {
    expect(renderExports([['A', "it's $HOME `x`"]])).toBe(`export A='it'\\''s $HOME \`x\`'`);
  });

  it.each([
    ['~/f.env', { HOME: '/h' }, '/h/f.env'],
    ['$XDG_CONFIG_HOME/f.env', { XDG_CONFIG_HOME: '/c' }, '/c/f.env'],
    ['$NOPE/f.env', {}, undefined],
    ['/etc/f.env', {}, '/etc/f.env'],
  ])('expands %s', (path, env, expected) => {
    expect(expandPath(path, env)).toBe(expected);
  });

  it('takes the environment first, then the file; reports missing names', () => {
    const r = repoEnvironment(
      'o/r',
      ['A', 'B', 'C'],
      new Map([
        ['B', 'file'],
        ['A', 'file'],
        ['D', 'd'],
      ]),
      { A: 'env' },
    );
    expect(r).toEqual({
      vars: [
        ['FACTORY_REPO', 'o/r'],
        ['A', 'env'],
        ['B', 'file'],
        ['D', 'd'],
      ],
      missing: ['C'],
    });
  });
});
