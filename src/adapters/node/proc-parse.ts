// Pure parsers for the /proc files the sampler reads, kept apart so they can be tested on text.

const KIB_PER_MIB = 1024;

export interface MemInfo {
  memTotalMb: number;
  memAvailableMb: number;
  swapUsedMb: number;
}

/** /proc/meminfo: figures in kB (KiB) -> MiB; a field that is absent comes back NaN. */
export function parseMeminfo(text: string): MemInfo {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) / KIB_PER_MIB : Number.NaN;
  };
  return {
    memTotalMb: field('MemTotal'),
    memAvailableMb: field('MemAvailable'),
    swapUsedMb: field('SwapTotal') - field('SwapFree'),
  };
}

/** /proc/loadavg: "0.52 0.58 0.59 1/467 12345" -> 0.52. */
export function parseLoad1(text: string): number {
  return Number.parseFloat(text);
}

export interface CpuTimes {
  busy: number;
  total: number;
  cores: number;
}

/** /proc/stat: the aggregate "cpu" line (user nice system idle iowait irq softirq steal) and the count of cpuN lines. */
export function parseCpuTimes(text: string): CpuTimes {
  const first = text.slice(0, text.indexOf('\n'));
  const ticks = first.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const cores = text.match(/^cpu\d+ /gm)?.length ?? Number.NaN;
  return { busy: total - idle, total, cores };
}

/** Busy share of all cores between two readings; undefined without a previous one or time between. */
export function cpuBusyPercent(prev: CpuTimes | undefined, next: CpuTimes): number | undefined {
  if (!prev) return undefined;
  const total = next.total - prev.total;
  if (!(total > 0)) return undefined;
  return Math.min(100, Math.max(0, ((next.busy - prev.busy) / total) * 100));
}

/** VmRSS of /proc/<pid>/status in MiB; 0 for a process without one (a zombie). */
export function parseVmRssMb(status: string): number {
  const match = /^VmRSS:\s+(\d+)/m.exec(status);
  return match ? Number(match[1]) / KIB_PER_MIB : 0;
}

// Programs that run or wrap the agent's own script; the script's name is what identifies the agent.
const LAUNCHERS = new Set([
  'env',
  'nice',
  'ionice',
  'nohup',
  'setsid',
  'exec',
  'timeout',
  'chrt',
  'taskset',
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'node',
  'python',
  'python3',
  'perl',
  'ruby',
  'deno',
  'bun',
  'npx',
  'tsx',
]);
const basename = (word: string) => word.slice(word.lastIndexOf('/') + 1);

/**
 * The word that identifies a role's processes: the base name of the first word of its command
 * that is not VAR=value, an option, a number or a launcher ("nice -n 5 bash ./dev-poll.sh" -> "dev-poll.sh").
 */
export function agentMatchKey(command: string): string | undefined {
  const words = command
    .trim()
    .split(/\s+/)
    .filter((w) => w && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && !w.startsWith('-') && !/^\d/.test(w));
  const found = words.find((w) => !LAUNCHERS.has(basename(w)));
  return found === undefined ? undefined : basename(found);
}

/**
 * Whether a process runs the agent: its program is the key, or its first non-option argument
 * is (an interpreter or a `sh -c` wrapper running the script).
 */
export function argvMatches(argv: readonly string[], key: string): boolean {
  if (argv.length === 0 || argv[0] === undefined) return false;
  if (basename(argv[0]) === key) return true;
  const script = argv.slice(1).find((a) => a !== '' && !a.startsWith('-'));
  return script !== undefined && basename(script.trim().split(/\s+/)[0] ?? '') === key;
}
