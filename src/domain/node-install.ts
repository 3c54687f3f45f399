/** What the install helpers need to know about this machine; gathered by the command. */
export interface InstallSpec {
  controlDir: string;
  node: string;
  user: string;
  /** Absolute path of the node binary that runs factoryctl now. */
  nodeBin: string;
  /** The node starts agents itself (control: loop): they share the daemon's cgroup. */
  loopMode: boolean;
  /** The node's own SSH key for signing its commits (FACTORYCTL_SIGNING_KEY); none: unsigned. */
  signingKey?: string;
}

export const UNIT_NAME = 'factoryctl-node.service';
export const CRON_BEGIN = '# BEGIN factoryctl node';
export const CRON_END = '# END factoryctl node';

/** V8 heap bound: the daemon's target is within 20 MB of a bare node, so this is a leak guard. */
const HEAP_MB = 96;

export function renderSystemdUnit(s: InstallSpec): string {
  const dir = unitPath(s.controlDir);
  const cli = `${s.controlDir}/bin/factoryctl.js`;
  const memory = s.loopMode
    ? [
        '# Loop mode: the agents this daemon starts live in its cgroup, so a cgroup memory limit',
        '# would cap them too; the V8 heap bound on ExecStart limits the daemon alone. KillMode=process',
        '# lets a restart (an upgrade) leave running agents to finish their work.',
        'KillMode=process',
      ]
    : [
        '# A leak must not starve the agents; MemoryHigh throttles before MemoryMax kills.',
        'MemoryHigh=160M',
        'MemoryMax=256M',
      ];
  return [
    `# factoryctl node daemon of node "${s.node}", control repo ${s.controlDir}.`,
    '# Written by `factoryctl node install --write`; `factoryctl node install` prints it again.',
    '#',
    '# Upgrades ride on Git: the daemon pulls the control repo; when a pull brings a new factoryctl,',
    '# it builds it beside the running one (.factoryctl/builds/), checks it, switches dist/ to it and',
    '# exits, and Restart=always starts it again on the new build. A build that fails its check is',
    '# never switched to: the daemon keeps running the previous one and journals why.',
    '[Unit]',
    `Description=factoryctl node daemon (${unitText(s.node)})`,
    'After=network-online.target',
    'Wants=network-online.target',
    '# Never stop restarting: protecting the machine must survive a burst of failures.',
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=simple',
    `User=${unitText(s.user)}`,
    `WorkingDirectory=${dir}`,
    `Environment=${unitQuote(`FACTORY_NODE=${s.node}`)}`,
    `Environment=${unitQuote(`FACTORY_DIR=${s.controlDir}`)}`,
    ...(s.signingKey ? [`Environment=${unitQuote(`FACTORYCTL_SIGNING_KEY=${s.signingKey}`)}`] : []),
    `ExecStart=${[s.nodeBin, `--max-old-space-size=${HEAP_MB}`, cli, 'node'].map(unitArg).join(' ')}`,
    'Restart=always',
    'RestartSec=5',
    '# The supervisor is the last thing to go: under memory pressure the kernel takes agents first.',
    'OOMScoreAdjust=-500',
    ...memory,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The cron alternative: one `--once` cycle a minute. flock -n skips a minute while the previous
 * cycle still runs; timeout bounds a hung one (long enough for a self-upgrade with `npm ci`).
 * Output goes to syslog (journalctl -t factoryctl-node) rather than a file that grows forever.
 */
export function renderCronLines(s: InstallSpec): string[] {
  const q = (v: string) => cronText(shellQuote(v));
  const key = s.signingKey ? ` FACTORYCTL_SIGNING_KEY=${q(s.signingKey)}` : '';
  const env = `FACTORY_NODE=${q(s.node)} FACTORY_DIR=${q(s.controlDir)}${key}`;
  const lock = `${s.controlDir}/.factoryctl/node-once.lock`;
  const run = `flock -n ${q(lock)} timeout -k 30 900 ${q(s.nodeBin)} ${q(`${s.controlDir}/bin/factoryctl.js`)} node --once`;
  return [`* * * * * cd ${q(s.controlDir)} && ${env} ${run} 2>&1 | logger -t factoryctl-node`];
}

/** The whole block, markers included, as `node install` prints it. */
export function renderCronBlock(s: InstallSpec): string {
  return [CRON_BEGIN, ...renderCronLines(s), CRON_END, ''].join('\n');
}

/**
 * A crontab with the node's own block set to `lines` and every other line kept. Distinct from the
 * `# BEGIN factoryctl` block of agent lines, which the node rewrites on every change. A stray
 * marker (a hand edit) loses only its own line, never the user's lines after it.
 */
export function replaceNodeBlock(current: string, lines: readonly string[]): string {
  const src = current === '' ? [] : current.replace(/\n$/, '').split('\n');
  const isBegin = (l: string) => l.trimEnd() === CRON_BEGIN;
  const isEnd = (l: string) => l.trimEnd() === CRON_END;
  const kept: string[] = [];
  let at: number | undefined;
  for (let i = 0; i < src.length; i++) {
    const line = src[i]!;
    if (isEnd(line)) continue;
    if (!isBegin(line)) {
      kept.push(line);
      continue;
    }
    const end = src.findIndex((l, j) => j > i && isEnd(l));
    const nextBegin = src.findIndex((l, j) => j > i && isBegin(l));
    if (end === -1 || (nextBegin !== -1 && nextBegin < end)) continue;
    at ??= kept.length;
    i = end;
  }
  const block = [CRON_BEGIN, ...lines, CRON_END];
  kept.splice(at ?? kept.length, 0, ...block);
  return `${kept.join('\n')}\n`;
}

/** Paths and names go into unit files and crontabs verbatim: a newline there would start a new line. */
export function installSpecProblems(s: InstallSpec): string[] {
  const fields = { controlDir: s.controlDir, node: s.node, user: s.user, nodeBin: s.nodeBin };
  return Object.entries(s.signingKey === undefined ? fields : { ...fields, signingKey: s.signingKey })
    .filter(([, v]) => /[\n\r\0]/.test(v) || v === '')
    .map(([k]) => `${k} is empty or holds a line break`);
}

// systemd expands %-specifiers in most settings; a literal % is written %%.
const unitText = (v: string) => v.replace(/%/g, '%%');
const unitPath = unitText;
const unitQuote = (v: string) => `"${unitText(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const unitArg = (v: string) => (/[\s"'\\]/.test(v) ? unitQuote(v) : unitText(v));
const shellQuote = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
// cron turns an unescaped % into a newline (stdin for the command).
const cronText = (v: string) => v.replace(/%/g, '\\%');
