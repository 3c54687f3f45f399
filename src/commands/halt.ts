import { EXIT } from '../exit-codes.js';
import { describeScope, withOverride } from '../domain/overrides-edit.js';
import { requireDir, type CommandContext } from './context.js';
import { actor, commitOverrides, parseUntil, scopeFor, SCOPE_FLAGS } from './override-command.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl halt <role> [--node NAME] [--repo OWNER/NAME] [--until TIME] [--reason TEXT] [--json]

Pins a halt of <role> in factory-state/overrides.yaml, commits it and pushes it to main.
Every agent's gate sees it at its next pull. Without --node it applies to every node;
with --repo only to that repository's agents.
  --until TIME   an ISO time or a duration from now (2h, 30m); the halt then ends by itself
  --reason TEXT  why (shown by gate and status)`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, SCOPE_FLAGS, 1);
  const dir = requireDir(ctx);
  const scope = await scopeFor(ctx, dir, positionals[0], values.repo);
  const now = ctx.now();
  const until = parseUntil(values.until, now);
  const by = await actor(dir, ctx);
  const reason = values.reason ?? `halted by ${by}`;
  const result = await commitOverrides(dir, (current) => ({
    next: withOverride(
      current,
      { ...scope, action: 'halt', reason, by, since: new Date(now).toISOString(), ...(until ? { until } : {}) },
      now,
    ),
    message: `halt ${describeScope(scope)}${until ? ` until ${until}` : ''}: ${reason}`,
  }));
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, action: 'halt', scope, until, reason, by, ...result }));
  else
    ctx.out(
      `halted ${describeScope(scope)}${until ? ` until ${until}` : ''} (${result.sha?.slice(0, 10) ?? 'no change'}${result.pushed ? ', pushed' : ''})`,
    );
  return EXIT.OK;
}
