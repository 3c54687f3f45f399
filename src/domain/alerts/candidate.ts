import type { AlertSeverity } from '../config/alerts-state-schema.js';

/** A condition a rule sees this cycle: it becomes an alert once it has held for `forMs` since `since`. */
export interface Candidate {
  name: string;
  severity: AlertSeverity;
  labels: Record<string, string>;
  summary: string;
  description: string;
  forMs: number;
  /** since when the condition holds, when the data says (a halt's since); else its first sighting counts */
  since?: number;
}
