import { describe, expect, it } from 'vitest';
import { BEGIN_MARKER as B, END_MARKER as E, readBlock, replaceBlock } from '../../src/domain/crontab-block.js';

const NOTICE = '# Managed by factoryctl node: edits inside this block are replaced. Halt with `factoryctl halt`.';
const block = (...lines: string[]) => [B, NOTICE, ...lines, E];
const text = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('replaceBlock', () => {
  it.each([
    {
      situation: 'empty crontab: the block alone',
      current: '',
      lines: ['* * * * * a'],
      expected: text(...block('* * * * * a')),
      warnings: 0,
    },
    {
      situation: "user's lines: block appended, theirs kept",
      current: text('MAILTO=me', '0 1 * * * backup'),
      lines: ['x'],
      expected: text('MAILTO=me', '0 1 * * * backup', ...block('x')),
      warnings: 0,
    },
    {
      situation: 'existing block replaced in place, lines around it kept byte for byte',
      current: text('# mine', ...block('old1', 'old2'), '5 * * * * mine  # trailing'),
      lines: ['new'],
      expected: text('# mine', ...block('new'), '5 * * * * mine  # trailing'),
      warnings: 0,
    },
    {
      situation: 'an empty block stays, so the place is kept',
      current: text('a', ...block('old'), 'b'),
      lines: [],
      expected: text('a', ...block(), 'b'),
      warnings: 0,
    },
    {
      situation: 'no trailing newline on the last user line',
      current: '0 1 * * * backup',
      lines: ['x'],
      expected: text('0 1 * * * backup', ...block('x')),
      warnings: 0,
    },
    {
      situation: 'a second block is dropped',
      current: text(...block('one'), 'user', ...block('two')),
      lines: ['new'],
      expected: text(...block('new'), 'user'),
      warnings: 1,
    },
    {
      situation: 'BEGIN without END: only the marker goes, the user lines after it stay',
      current: text('a', B, 'user after'),
      lines: ['new'],
      expected: text('a', 'user after', ...block('new')),
      warnings: 1,
    },
    {
      situation: 'stray END removed',
      current: text('a', E, 'b'),
      lines: ['n'],
      expected: text('a', 'b', ...block('n')),
      warnings: 1,
    },
  ])('$situation', ({ current, lines, expected, warnings }) => {
    const r = replaceBlock(current, lines);
    expect(r.text).toBe(expected);
    expect(r.warnings).toHaveLength(warnings);
    expect(readBlock(r.text)).toEqual(lines);
    // Applying the same lines again changes nothing: the apply can skip the write.
    expect(replaceBlock(r.text, lines)).toEqual({ text: r.text, warnings: [] });
  });

  it('readBlock: none without a complete block', () => {
    expect(readBlock('')).toBeUndefined();
    expect(readBlock(text(B, 'x'))).toBeUndefined();
  });
});
