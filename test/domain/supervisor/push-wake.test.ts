import { describe, expect, it } from 'vitest';
import { pushWake } from '../../../src/domain/supervisor/push-wake.js';
import { batchMessage, telemetrySubject } from '../../../src/domain/telemetry-message.js';

const BRANCHES = { telemetry: 'telemetry/', control: 'control/' };
const push = (ref: string, ...messages: string[]) => pushWake({ ref: `refs/heads/${ref}`, messages }, BRANCHES);
const beat = telemetrySubject('n1', undefined);
const level3 = telemetrySubject('n1', 'level 3: MemAvailable 90 MB < 100 MB');

describe('which push events wake the supervisor', () => {
  it.each([
    ['a heartbeat', push('telemetry/n1', beat), false, 'push to telemetry/n1: heartbeats only'],
    [
      'batched heartbeats',
      push('telemetry/n1', batchMessage([beat, beat, beat])),
      false,
      'push to telemetry/n1: heartbeats only',
    ],
    ['a level change', push('telemetry/n1', beat, level3), true, `push to telemetry/n1: ${level3}`],
    // A batch whose newest cycle is a heartbeat still carries the change before it.
    [
      'a change batched before a heartbeat',
      push('telemetry/n1', batchMessage([level3, beat])),
      true,
      `push to telemetry/n1: ${level3} (+1 other cycles)`,
    ],
    [
      'a compaction',
      push('telemetry/n1', `telemetry n1: compacted (500 commits > 400)\n\n${beat}`),
      true,
      'push to telemetry/n1: telemetry n1: compacted (500 commits > 400)',
    ],
    ['no commits (a branch deleted)', push('telemetry/n1'), true, 'push to telemetry/n1'],
    [
      'a lease renewal',
      push('control/lease', 'lease: vps1 epoch 4'),
      false,
      'push to control/lease (the loop watches the lease on its own clock)',
    ],
    [
      "the supervisor's commits",
      push('main', 'supervisor: STATUS.md, status changed', 'supervisor: halt dev'),
      false,
      "push to main: the supervisor's own commits",
    ],
    [
      'a human edit',
      push('main', 'supervisor: STATUS.md, status changed', 'raise dev cap\n\nbody'),
      true,
      'push to main: raise dev cap',
    ],
  ])('%s', (_what, got, wake, reason) => {
    expect(got).toEqual({ wake, reason });
  });
});
