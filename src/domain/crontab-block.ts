export const BEGIN_MARKER = '# BEGIN factoryctl';
export const END_MARKER = '# END factoryctl';
const NOTICE = '# Managed by factoryctl node: edits inside this block are replaced. Halt with `factoryctl halt`.';

export interface BlockReplacement {
  text: string;
  /** Hand edits that had to be repaired: stray or unbalanced markers. */
  warnings: string[];
}

/**
 * The crontab with factoryctl's block set to `lines`, every other line kept byte for byte.
 * The block goes where the first well-formed block was, else at the end. A BEGIN with no END
 * (only a hand edit can make one: crontab installs are atomic) loses its marker line only, so a
 * user's lines after it are never deleted; a second block is dropped (it is factoryctl's).
 */
export function replaceBlock(current: string, lines: string[]): BlockReplacement {
  const warnings: string[] = [];
  const src = current === '' ? [] : current.replace(/\n$/, '').split('\n');
  const kept: string[] = [];
  let at: number | undefined;
  for (let i = 0; i < src.length; i++) {
    const line = src[i]!;
    if (isMarker(line, END_MARKER)) {
      warnings.push(`line ${i + 1}: "${END_MARKER}" without a begin marker, removed`);
      continue;
    }
    if (!isMarker(line, BEGIN_MARKER)) {
      kept.push(line);
      continue;
    }
    const end = src.findIndex((l, j) => j > i && isMarker(l, END_MARKER));
    const nextBegin = src.findIndex((l, j) => j > i && isMarker(l, BEGIN_MARKER));
    if (end === -1 || (nextBegin !== -1 && nextBegin < end)) {
      warnings.push(`line ${i + 1}: "${BEGIN_MARKER}" without an end marker, removed (the lines after it are kept)`);
      continue;
    }
    if (at === undefined) at = kept.length;
    else warnings.push(`line ${i + 1}: a second factoryctl block, removed`);
    i = end;
  }
  const block = [BEGIN_MARKER, NOTICE, ...lines, END_MARKER];
  if (at === undefined) kept.push(...block);
  else kept.splice(at, 0, ...block);
  return { text: `${kept.join('\n')}\n`, warnings };
}

/** The lines inside factoryctl's block (markers and notice excluded); undefined when there is none. */
export function readBlock(text: string): string[] | undefined {
  const lines = text.split('\n');
  const begin = lines.findIndex((l) => isMarker(l, BEGIN_MARKER));
  if (begin === -1) return undefined;
  const end = lines.findIndex((l, j) => j > begin && isMarker(l, END_MARKER));
  if (end === -1) return undefined;
  return lines.slice(begin + 1, end).filter((l) => l !== NOTICE);
}

function isMarker(line: string, marker: string): boolean {
  return line.trimEnd() === marker;
}
