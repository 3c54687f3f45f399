/**
 * A block of status lines kept at the bottom of a terminal, with log lines scrolling above it.
 * Without a terminal, logs are printed as they come and the block only when it changes.
 */
export interface LiveDisplay {
  log(line: string): void;
  render(lines: string[]): void;
  close(): void;
}

export function createLiveDisplay(stream: NodeJS.WriteStream, interactive: boolean): LiveDisplay {
  let block: string[] = [];
  let last = '';
  const clear = () => {
    if (interactive && block.length > 0) stream.write(`\x1b[${block.length}A\x1b[0J`);
  };
  const draw = () => {
    if (interactive && block.length > 0)
      stream.write(`${block.map((l) => l.slice(0, (stream.columns ?? 120) - 1)).join('\n')}\n`);
  };
  return {
    log(line) {
      clear();
      stream.write(line.endsWith('\n') ? line : `${line}\n`);
      draw();
    },
    render(lines) {
      const text = lines.join('\n');
      if (text === last) return;
      last = text;
      if (interactive) {
        clear();
        block = lines;
        draw();
      } else stream.write(`${text}\n`);
    },
    close() {
      block = [];
    },
  };
}
