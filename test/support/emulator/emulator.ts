// Forgejo + Woodpecker on loopback: real HTTP, stateful, driven by tests, every exchange logged for the contract check.
import { createFaults, type Faults } from './faults.js';
import { createForgejoState, type ForgejoState } from './forgejo-state.js';
import { forgejoError, forgejoRoutes } from './forgejo-routes.js';
import { startApiServer } from './http-server.js';
import type { EmuRequest, Exchange } from './types.js';
import { createWoodpeckerState, type WoodpeckerState } from './woodpecker-state.js';
import { woodpeckerError, woodpeckerRoutes } from './woodpecker-routes.js';

export interface EmulatorOptions {
  /** the emulated servers' clock (epoch ms); tests with a simulated day inject theirs */
  now?: () => number;
  /** token every Forgejo repo accepts unless createRepo names its own */
  forgejoToken?: string;
  woodpeckerToken?: string;
  /** one line per request and response, e.g. console.log when debugging */
  onLine?: (line: string) => void;
}

export interface Emulator {
  /** pass to giteaApi / the Forgejo adapter; the API lives under /api/v1 */
  forgejoUrl: string;
  /** the Woodpecker server URL; the API lives under /api */
  woodpeckerUrl: string;
  forgejoToken: string;
  woodpeckerToken: string;
  forgejo: ForgejoState;
  woodpecker: WoodpeckerState;
  faults: Faults;
  /** every request served so far, in arrival order */
  exchanges: Exchange[];
  /** exceptions thrown by emulator handlers: a non-empty list is a bug in the emulator */
  bugs: Error[];
  /** requests that reached the emulator, optionally only writes or one API */
  count(filter?: { api?: 'forgejo' | 'woodpecker'; writes?: boolean; route?: string }): number;
  formatLog(): string;
  close(): Promise<void>;
}

const presented = (req: EmuRequest): string | undefined => {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^(?:token|bearer)\s+(.+)$/i.exec(h) : null;
  return m?.[1];
};

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const now = opts.now ?? (() => Date.now());
  const forgejoToken = opts.forgejoToken ?? 'forgejo-test-token';
  const woodpeckerToken = opts.woodpeckerToken ?? 'woodpecker-test-token';
  const exchanges: Exchange[] = [];
  const bugs: Error[] = [];
  const faults = createFaults();
  const forgejo = createForgejoState(now, forgejoToken);
  const woodpecker = createWoodpeckerState(now);
  const urls = { forgejo: '', woodpecker: '' };
  const common = { faults, exchanges, bugs, now, ...(opts.onLine ? { onLine: opts.onLine } : {}) };

  const fj = await startApiServer({
    ...common,
    api: 'forgejo',
    basePath: '/api/v1',
    routes: forgejoRoutes(forgejo, () => urls.forgejo, now),
    errorResponse: forgejoError,
    authorize(req, repo) {
      if (repo === undefined) return undefined;
      const expected = forgejo.repos.get(repo)?.token ?? forgejoToken;
      return presented(req) === expected ? undefined : forgejoError(401, 'token is required or invalid');
    },
  });
  const wp = await startApiServer({
    ...common,
    api: 'woodpecker',
    basePath: '/api',
    routes: woodpeckerRoutes(woodpecker, () => urls.forgejo, now),
    errorResponse: woodpeckerError,
    authorize(req, repo, route) {
      if (route.template === '/version') return undefined;
      const expected = (repo !== undefined ? woodpecker.repos.get(Number(repo))?.token : undefined) ?? woodpeckerToken;
      return presented(req) === expected ? undefined : woodpeckerError(401, 'Unauthorized');
    },
  });
  urls.forgejo = fj.url;
  urls.woodpecker = wp.url;

  return {
    forgejoUrl: fj.url,
    woodpeckerUrl: wp.url,
    forgejoToken,
    woodpeckerToken,
    forgejo,
    woodpecker,
    faults,
    exchanges,
    bugs,
    count: (f = {}) =>
      exchanges.filter(
        (e) =>
          (!f.api || e.api === f.api) &&
          (f.writes === undefined || (e.method !== 'GET') === f.writes) &&
          (!f.route || e.route === f.route),
      ).length,
    formatLog: () =>
      exchanges
        .map(
          (e) =>
            `[${e.api}] ${e.method} ${e.path} -> ${e.status ?? '(no answer)'}${e.fault ? ` fault ${e.fault}` : ''}${e.ms !== undefined ? ` ${e.ms}ms` : ''}`,
        )
        .join('\n'),
    close: async () => void (await Promise.all([fj.close(), wp.close()])),
  };
}
