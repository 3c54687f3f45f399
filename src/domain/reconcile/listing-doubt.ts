import type { Listing } from '../ports/forge.js';
import type { Failure } from './failure.js';
import type { Plan } from './plan.js';

/**
 * A delete is planned from what the listing lacks, so a listing that may lack things (a repeated
 * page, duplicates, the page limit) must not drive one: the repository fails (exit 69), saying why.
 */
export function refuseDoubtfulDeletes(
  slug: string,
  plan: Plan,
  observed: { labels: Listing<unknown>; protections: Listing<unknown> },
): Failure | undefined {
  const refusals: string[] = [];
  const check = (what: string, kind: Plan['actions'][number]['kind'], listing: Listing<unknown>) => {
    const n = plan.actions.filter((a) => a.kind === kind).length;
    if (n > 0 && listing.doubt !== undefined)
      refusals.push(
        `${n} ${what} delete${n === 1 ? '' : 's'} refused: the ${what} listing of ${slug} is not whole (${listing.doubt})`,
      );
  };
  check('label', 'delete-label', observed.labels);
  check('branch protection', 'delete-protection', observed.protections);
  return refusals.length === 0 ? undefined : { kind: 'unavailable', message: refusals.join('; ') };
}
