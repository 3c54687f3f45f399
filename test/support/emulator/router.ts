// Matches decoded path segments against spec-style templates; literal segments beat parameters.
import type { Route } from './types.js';

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  segments: string[],
): Match | 'method-not-allowed' | undefined {
  let best: { match: Match; literals: number } | undefined;
  let pathMatched = false;
  for (const route of routes) {
    const tpl = route.template.split('/').filter(Boolean);
    if (tpl.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    tpl.forEach((t, i) => {
      const seg = segments[i] as string;
      if (t.startsWith('{') && t.endsWith('}')) params[t.slice(1, -1)] = seg;
      else if (t === seg) literals++;
      else ok = false;
    });
    if (!ok) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    if (!best || literals > best.literals) best = { match: { route, params }, literals };
  }
  if (best) return best.match;
  return pathMatched ? 'method-not-allowed' : undefined;
}
