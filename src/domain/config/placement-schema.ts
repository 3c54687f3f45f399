import { z } from 'zod';
import { Duration, OutsideFile } from './common.js';

/** supervisor.placement: which node runs each agent slot (domain/placement/), and how nodes' liveness is judged. */
export const PlacementConfig = z.strictObject({
  mode: z
    .enum(['auto', 'on', 'off'])
    .default('auto')
    .describe(
      'on: the leader places every agent slot on one node (factory-state/assignments.yaml); auto: on when factory.yaml names two or more nodes; off: every node runs the roles it lists',
    ),
  stickinessMarginMb: z
    .number()
    .int()
    .min(0)
    .default(512)
    .describe('a slot leaves a node that still qualifies only for one with this many MiB more headroom'),
  maxMovesPerCycle: z
    .number()
    .int()
    .min(0)
    .default(2)
    .describe('moves for headroom per cycle; moves off a node that stopped qualifying are not limited'),
  suspectAfterBeats: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('telemetry heartbeats missed before a node is suspect: it keeps its slots, gets no new ones'),
  downAfterBeats: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('heartbeats missed before a node is down (after asking it over SSH): its slots move'),
  downAfterMin: Duration.default('2m').describe('...and never sooner than this'),
  leaderGrace: Duration.default('2m').describe('after taking the lead, no node is called down for this long'),
});
export type PlacementConfig = z.infer<typeof PlacementConfig>;

/** supervisor.ssh: how the supervisor reaches nodes that have an `ssh` address (kicks and liveness probes). */
export const SupervisorSshConfig = z.strictObject({
  identityFile: OutsideFile.optional().describe("the supervisor's private key (outside the repo); default: ssh's own"),
  knownHostsFile: OutsideFile.optional().describe(
    "the nodes' host keys; default: ssh's own (new keys are accepted once)",
  ),
  connectTimeout: Duration.default('5s').describe('time bound on opening a connection to a node'),
  callTimeout: Duration.default('20s').describe('time bound on one rpc (sync pulls and applies)'),
});
export type SupervisorSshConfig = z.infer<typeof SupervisorSshConfig>;
