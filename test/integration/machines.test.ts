import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { ownMemoryCgroupDir } from '../support/machine-cgroup.js';
import { ip, linkNames, namespaceNames } from '../support/machine-net.js';
import { newRunId, RECORDS_DIR } from '../support/machine-runs.js';
import { startMachines, type Machines } from '../support/machines.js';

const MiB = 1024 * 1024;
const git = (args: string[], cwd?: string) => execFileSync('git', args, { cwd, stdio: 'pipe', encoding: 'utf8' });

/** A crashed run's leftovers: a run id no live process owns (it has no record at all). */
function leaveCrashedRun(): { namespace: string; link: string; cgroup: string } {
  const run = newRunId();
  const leftover = {
    namespace: `fct-${run}-old`,
    link: `fcbr${run}`,
    cgroup: join(ownMemoryCgroupDir(), `fct-${run}-old`),
  };
  ip('netns', 'add', leftover.namespace);
  ip('link', 'add', leftover.link, 'type', 'bridge');
  mkdirSync(leftover.cgroup);
  return leftover;
}

describe('several machines on one box: namespaces, cgroups, sshd, a git server they all reach', () => {
  let machines: Machines;
  let server: GitServer;
  let dir: string;
  let crashed: ReturnType<typeof leaveCrashedRun>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factoryctl-machines-'));
    const seed = join(dir, 'seed');
    mkdirSync(seed);
    git(['init', '-q', '-b', 'main'], seed);
    writeFileSync(join(seed, 'README'), 'hello from the forge\n');
    git(['add', 'README'], seed);
    git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'seed'], seed);
    git(['clone', '-q', '--bare', seed, join(dir, 'srv', 'app.git')]);

    crashed = leaveCrashedRun();
    machines = await startMachines({
      nodes: [
        { name: 'a', memLimitMb: 300 },
        { name: 'b', memLimitMb: 600 },
      ],
    });
    server = await startGitServer(join(dir, 'srv'), { host: machines.gateway });
  });
  afterAll(async () => {
    await server?.close();
    await machines?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const repoUrl = () => `${server.urlAt(machines.gateway)}app.git`;

  it("swept a crashed run's namespace, link and cgroup before starting", () => {
    expect(namespaceNames()).not.toContain(crashed.namespace);
    expect(linkNames()).not.toContain(crashed.link);
    expect(existsSync(crashed.cgroup)).toBe(false);
  });

  it('gives each node its own address, from which it clones over the network', async () => {
    const [a, b] = machines.nodes;
    expect(a!.address).not.toBe(b!.address);
    for (const node of machines.nodes) {
      const addr = await node.exec('ip', ['-o', '-4', 'addr', 'show']);
      expect(addr.code, addr.stderr).toBe(0);
      expect(addr.stdout).toContain(`inet ${node.address}/24`);
      expect(addr.stdout).not.toContain(`inet ${machines.gateway}/`); // the root namespace's address is not its own

      const clone = await node.exec('git', ['clone', '-q', repoUrl(), join(dir, `clone-${node.name}`)], {
        timeoutMs: 60_000,
      });
      expect(clone.code, clone.stderr).toBe(0);
      expect(readFileSync(join(dir, `clone-${node.name}`, 'README'), 'utf8')).toBe('hello from the forge\n');
    }
  });

  it("runs a command over ssh on each node's sshd, in the node's namespace and cgroup", async () => {
    for (const node of machines.nodes) {
      const other = machines.nodes.find((n) => n !== node)!;
      const result = await node.ssh('ip -o -4 addr show; cat /proc/self/cgroup', { timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`inet ${node.address}/24`);
      expect(result.stdout).not.toContain(`inet ${other.address}/`);
      expect(result.stdout).toMatch(new RegExp(`^\\d+:memory:${node.cgroup.path}$`, 'm'));
    }
  });

  it("reaches one node's sshd from another over the bridge (a supervisor on one node kicks the others)", async () => {
    const a = machines.node('a');
    const b = machines.node('b');
    const args = [...b.sshd.sshArgs.slice(1), '-o', 'ConnectTimeout=10', '-p', String(b.sshd.port)];
    const result = await a.exec('ssh', [...args, `${b.sshd.user}@${b.address}`, 'ip -o -4 addr show dev eth0'], {
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`inet ${b.address}/24`);
  });

  it("bounds each node's processes by its own memory limit", async () => {
    const limit = 'cat "/sys/fs/cgroup/memory$(grep :memory: /proc/self/cgroup | cut -d: -f3)/memory.limit_in_bytes"';
    const a = await machines.node('a').exec('sh', ['-c', limit]);
    const b = await machines.node('b').exec('sh', ['-c', limit]);
    expect(a.stdout.trim(), a.stderr).toBe(String(300 * MiB));
    expect(b.stdout.trim(), b.stderr).toBe(String(600 * MiB));
  });

  it('cut() makes a node unreachable both ways while the other still works; relink() restores it', async () => {
    const a = machines.node('a');
    const b = machines.node('b');
    const fetch = (node: typeof a) =>
      node.exec('git', ['-C', join(dir, `clone-${node.name}`), 'fetch', '-q', 'origin'], { timeoutMs: 90_000 });

    a.cut();
    try {
      const ssh = await a.ssh('true', { connectTimeoutSec: 3, timeoutMs: 60_000 });
      expect(ssh.code, ssh.stderr).toBe(255);
      const fetched = await fetch(a);
      expect(fetched.code).not.toBe(0);
      expect(fetched.timedOut).toBe(false);

      expect((await b.ssh('true', { timeoutMs: 60_000 })).code).toBe(0);
      const other = await fetch(b);
      expect(other.code, other.stderr).toBe(0);
    } finally {
      await a.relink();
    }
    const back = await a.ssh('true', { timeoutMs: 60_000 });
    expect(back.code, back.stderr).toBe(0);
    const refetched = await fetch(a);
    expect(refetched.code, refetched.stderr).toBe(0);
  });

  it('stop() leaves no namespace, link, cgroup or record of the run behind', async () => {
    const { run } = machines;
    const cgroups = machines.nodes.map((n) => n.cgroup.dir);
    expect(namespaceNames().filter((n) => n.startsWith(`fct-${run}-`))).toHaveLength(2);
    await server.close();
    await machines.stop();
    expect(namespaceNames().filter((n) => n.startsWith(`fct-${run}-`))).toEqual([]);
    expect(linkNames().filter((l) => l.includes(run))).toEqual([]);
    for (const c of cgroups) expect(existsSync(c)).toBe(false);
    expect(readdirSync(RECORDS_DIR).filter((f) => f.startsWith(run) || readClaim(f) === run)).toEqual([]);
  });
});

describe('the machines harness without its tools', () => {
  it('fails loudly, naming what to install, when `ip` is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startMachines({ nodes: [{ name: 'a', memLimitMb: 300 }] })).rejects.toThrow(/iproute2/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('fails loudly when the cgroup v1 memory controller is missing', () => {
    expect(() => ownMemoryCgroupDir('/nonexistent')).toThrow(/no cgroup v1 memory controller/);
  });
});

function readClaim(file: string): string | undefined {
  return file.startsWith('net-') ? readFileSync(join(RECORDS_DIR, file), 'utf8') : undefined;
}
