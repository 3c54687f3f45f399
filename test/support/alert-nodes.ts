// Nodes that only commit telemetry (decision.json, sample.json) to their telemetry/<node> branches on a
// real git server, and a command receiver that appends each notification it is given to a file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { telemetrySubject } from '../../src/domain/telemetry-message.js';
import { IDENTITY, sh, shAsync } from './control-repo.js';
import type { SuperviseFixture } from './supervise-fixture.js';

export interface SentNotification {
  id: string;
  receiver: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  alerts: { name: string; status: string; labels: Record<string, string> }[];
}

/** factory.yaml's `alerts:` with one command receiver writing to `file`. */
export function commandReceiverYaml(file: string): string {
  return [
    'alerts:',
    '  receivers:',
    `    pager: { type: command, command: /bin/sh, args: ["-c", "cat >> ${file}; echo >> ${file}"] }`,
    '',
  ].join('\n');
}

export function sentTo(file: string): SentNotification[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SentNotification);
}

/**
 * A node's heartbeat: its decision (level, halted roles) and a sample, dated `at`, pushed to its
 * branch, with the node daemon's subject (a heartbeat at level 0, else the level's news).
 */
export async function beat(fx: SuperviseFixture, node: string, at: number, level = 0): Promise<void> {
  const dir = join(fx.repo.root, `node-${node}`);
  if (!existsSync(dir)) {
    mkdirSync(dir);
    sh(dir, 'git', ['init', '-q', '-b', `telemetry/${node}`]);
  }
  const iso = new Date(at).toISOString();
  const halted = level >= 3 ? ['dev', 'review'] : level >= 1 ? ['dev'] : [];
  const decision = {
    node,
    level,
    halted,
    reason: level ? `level ${level}: memory low` : 'no pressure',
    since: iso,
    updatedAt: iso,
  };
  writeFileSync(join(dir, 'decision.json'), JSON.stringify(decision, null, 2));
  const sample = { at, memAvailableMb: 3000, memTotalMb: 4000, swapUsedMb: 0, disks: [], load1: 0.2, cores: 2 };
  writeFileSync(join(dir, 'sample.json'), JSON.stringify(sample, null, 2));
  sh(dir, 'git', ['add', '-A']);
  sh(dir, 'git', ['commit', '-qm', telemetrySubject(node, level ? `level ${level}: memory low` : undefined)], IDENTITY);
  await shAsync(dir, 'git', ['push', '-q', '-f', `${fx.git.url}control.git`, `HEAD:refs/heads/telemetry/${node}`]);
}
