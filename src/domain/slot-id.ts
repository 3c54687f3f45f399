/**
 * An agent slot's id: "dev" for a role that runs once for the whole factory, "dev@owner/name" for
 * one repository's agent. Used in halt file names, crontab comments, assignments.yaml and logs.
 */
export function slotId(q: { role: string; repo?: string }): string {
  return q.repo === undefined ? q.role : `${q.role}@${q.repo}`;
}

/** The role and repository of a slot id (the inverse of slotId). */
export function parseSlotId(id: string): { role: string; repo?: string } {
  const at = id.indexOf('@');
  return at < 0 ? { role: id } : { role: id.slice(0, at), repo: id.slice(at + 1) };
}
