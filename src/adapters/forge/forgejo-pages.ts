// Reading a paged Forgejo listing without trusting the server to page correctly.
import type { z } from 'zod';
import type { Listing } from '../../domain/ports/forge.js';
import { parseList } from './forgejo-schemas.js';

export const PAGE = 50; // Forgejo's default MAX_RESPONSE_ITEMS

/**
 * Fetches pages until X-Total-Count is reached (or a short page without it), at most `maxPages`.
 * A page whose every item was already seen is a server ignoring `page`: reading stops there.
 * Items are kept once by key; whatever made the listing doubtful is said in `doubt`, so a caller
 * that would delete what is missing from it can refuse to.
 */
export async function readPages<T extends z.ZodType>(
  schema: T,
  key: (item: z.infer<T>) => number,
  maxPages: number,
  get: (page: number) => Promise<{ data: unknown; headers: Headers }>,
): Promise<Listing<z.infer<T>>> {
  const out: z.infer<T>[] = [];
  const seen = new Set<number>();
  const doubts: string[] = [];
  let duplicates = 0;
  let finished = false;
  for (let page = 1; page <= maxPages && !finished; page++) {
    const res = await get(page);
    const items = parseList(schema, res.data);
    const fresh = items.filter((i) => !seen.has(key(i)));
    if (items.length > 0 && fresh.length === 0) {
      doubts.push(`page ${page} repeated earlier items (the server ignores "page"?)`);
      break;
    }
    for (const item of items) {
      if (seen.has(key(item))) duplicates++;
      else (seen.add(key(item)), out.push(item));
    }
    const total = Number(res.headers.get('x-total-count') ?? NaN);
    finished = items.length === 0 || (Number.isFinite(total) ? out.length >= total : items.length < PAGE);
    if (!finished && page === maxPages) doubts.push(`stopped at the page limit (${maxPages} pages of ${PAGE})`);
  }
  if (duplicates > 0) doubts.push(`${duplicates} duplicate item${duplicates === 1 ? '' : 's'} across pages`);
  return doubts.length > 0 ? Object.assign(out, { doubt: doubts.join('; ') }) : out;
}
