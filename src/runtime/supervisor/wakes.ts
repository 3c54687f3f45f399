// What cuts the loop's sleep short: a signed webhook or SIGUSR1 (a reason to run a cycle), or the stop.
import { startWebhookServer, type WebhookServer } from '../../adapters/webhook/server.js';
import type { SupervisorDeps } from './deps.js';

export interface WakeOptions {
  listen?: string;
  webhookSecret: string;
  /** resolves when the loop should stop (SIGTERM, SIGINT, a test) */
  stop: Promise<void>;
  /** coalesces a burst of webhooks (Forgejo sends several per push) into one cycle */
  debounceMs?: number;
  onListening?(url: string): void;
}
export interface Wakes {
  stopped(): boolean;
  /** why someone asked for a cycle since the last take, if anyone did */
  peek(): string | undefined;
  take(): void;
  /** sleeps until `at` on the given clock, or until a wake or the stop */
  sleepUntil(at: number, now: () => number): Promise<void>;
  close(): Promise<void>;
}

export async function openWakes(deps: SupervisorDeps, opts: WakeOptions): Promise<Wakes> {
  let stopped = false;
  let pending: string | undefined;
  let poke: (() => void) | undefined;
  const wake = (why: string) => {
    pending ??= why;
    poke?.();
  };
  const onUsr1 = () => wake('SIGUSR1');
  process.on('SIGUSR1', onUsr1);
  void opts.stop.then(() => {
    stopped = true;
    poke?.();
  });
  let server: WebhookServer | undefined;
  if (opts.listen) {
    if (!opts.webhookSecret)
      deps.log('warning: no webhook secret (supervisor.webhookSecretEnv): every webhook will be refused');
    server = await startWebhookServer({
      listen: opts.listen,
      secret: opts.webhookSecret,
      onWake: (why) => wake(why),
      log: deps.log,
    });
    deps.log(`listening for webhooks on ${server.url}`);
    opts.onListening?.(server.url);
  }
  return {
    stopped: () => stopped,
    peek: () => pending,
    take: () => (pending = undefined),
    async sleepUntil(at, now) {
      if (stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, Math.min(at - now(), 2 ** 31 - 1)));
        poke = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      poke = undefined;
      if (pending !== undefined && opts.debounceMs !== 0)
        await new Promise((r) => setTimeout(r, opts.debounceMs ?? 100));
    },
    async close() {
      process.off('SIGUSR1', onUsr1);
      await server?.close();
    },
  };
}
