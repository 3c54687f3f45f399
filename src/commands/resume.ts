import { EXIT } from '../exit-codes.js';
import { describeScope, withOverride, withoutHalts } from '../domain/overrides-edit.js';
import { requireDir, type CommandContext } from './context.js';
import { actor, commitOverrides, parseUntil, scopeFor, SCOPE_FLAGS } from './override-command.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl resume <role> [--node NAME] [--repo OWNER/NAME] [--pin [--until TIME] [--reason TEXT]] [--json]

Lifts the humans' halts of <role> inside the scope (all dev halts for \`resume dev\`,
only node a's for \`resume dev --node a\`), commits and pushes.
Automatic halts (the supervisor's, a node's under pressure) lift by themselves when
conditions recover; --pin overrides them with a pinned run, best with --until.`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { ...SCOPE_FLAGS, pin: { type: 'boolean' } }, 1);
  const dir = requireDir(ctx);
  const scope = await scopeFor(ctx, dir, positionals[0], values.repo);
  const now = ctx.now();
  const until = parseUntil(values.until, now);
  const by = await actor(dir, ctx);
  let lifted = 0;
  const result = await commitOverrides(dir, (current) => {
    const removed = withoutHalts(current, scope, now);
    lifted = removed.lifted.length;
    if (values.pin) {
      const reason = values.reason ?? `run pinned by ${by}`;
      const entry = {
        ...scope,
        action: 'run' as const,
        reason,
        by,
        since: new Date(now).toISOString(),
        ...(until ? { until } : {}),
      };
      return {
        next: withOverride(removed.overrides, entry, now),
        message: `pin run of ${describeScope(scope)}${until ? ` until ${until}` : ''}: ${reason}`,
      };
    }
    if (lifted === 0) return null;
    return {
      next: removed.overrides,
      message: `resume ${describeScope(scope)} (${lifted} halt${lifted === 1 ? '' : 's'} lifted by ${by})`,
    };
  });
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, action: values.pin ? 'pin' : 'resume', scope, lifted, ...result }));
  else if (!result.changed)
    ctx.out(
      `no human halt of ${describeScope(scope)} to lift (see \`factoryctl status\` for automatic halts; --pin overrides them)`,
    );
  else
    ctx.out(
      `${values.pin ? 'pinned run of' : 'resumed'} ${describeScope(scope)} (${result.sha?.slice(0, 10)}${result.pushed ? ', pushed' : ''})`,
    );
  return EXIT.OK;
}
