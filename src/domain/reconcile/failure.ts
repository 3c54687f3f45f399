/** Why one repository could not be reconciled, said so an operator knows what to fix. */
export interface Failure {
  kind: 'auth' | 'not-found' | 'rate-limited' | 'unavailable' | 'config' | 'other';
  status?: number;
  message: string;
}

export function describeFailure(error: unknown, tokenEnv: string): Failure {
  const status =
    typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  switch (true) {
    case status === 401:
      return {
        kind: 'auth',
        status,
        message: `the forge refused the token in $${tokenEnv} (HTTP 401): is it set to a valid token? ${detail}`,
      };
    case status === 403:
      return {
        kind: 'auth',
        status,
        message: `the token in $${tokenEnv} lacks the right (HTTP 403): labels and branch protection need repository admin. ${detail}`,
      };
    case status === 404:
      return {
        kind: 'not-found',
        status,
        message: `${resourceOf(error)} not found, or not visible with $${tokenEnv} (HTTP 404). ${detail}`,
      };
    case status === 429:
      return {
        kind: 'rate-limited',
        status,
        message: `rate limited (HTTP 429) after retries; the next run will pick it up. ${detail}`,
      };
    case status !== undefined && status >= 500:
    case status === 0:
      return {
        kind: 'unavailable',
        ...(status === undefined ? {} : { status }),
        message: `forge unavailable: ${detail}`,
      };
    default:
      return { kind: 'other', ...(status === undefined ? {} : { status }), message: detail };
  }
}

/** What a failed call asked for, from its URL: "repository o/n", or "labels of o/n" when the repository answered. */
export function resourceOf(error: unknown): string {
  const url = (error as { url?: unknown })?.url;
  const path = typeof url === 'string' ? url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/[?#].*$/, '') : '';
  const m = /\/repos\/([^/]+)\/([^/]+)(?:\/(.+?))?\/?$/.exec(path);
  if (!m) return 'resource';
  const slug = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
  return m[3] === undefined ? `repository ${slug}` : `${decodeURIComponent(m[3]).replace(/_/g, ' ')} of ${slug}`;
}
