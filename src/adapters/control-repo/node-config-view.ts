import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import type { ResolvedRepo } from '../../domain/repos/merge.js';

/** What the node needs of the config; plain JSON, so its last good version can be kept on disk. */
export interface NodeConfigView {
  factory: FactoryConfig;
  repos: Pick<ResolvedRepo, 'slug' | 'config'>[];
  /** The supervisor's tuned intervals (factory-state/schedule.yaml), ms per role. */
  schedule: Record<string, number>;
}
