import { EXIT } from '../exit-codes.js';
import { ConfigError, UsageError } from '../errors.js';
import { readPractice } from '../adapters/control-repo/repos-dir.js';
import { requireDir, type CommandContext } from './context.js';
import { loadRepos, pickRepos } from '../adapters/control-repo/load-repos.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl practices OWNER/NAME [--json]

The repository's best practices, shared ones from its presets with its own overrides applied,
as Markdown for an agent's prompt:  claude -p "$(factoryctl practices owner/name)
..."
  --json   [{ id, source, text }]`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(args, {}, 1);
  const slug = positionals[0];
  if (!slug) throw new UsageError('practices needs a repository: factoryctl practices OWNER/NAME');
  const dir = requireDir(ctx);
  const [repo] = pickRepos((await loadRepos(dir, [slug])).repos, [slug]);
  if (!repo) return EXIT.NOINPUT;

  const practices = await Promise.all(
    repo.config.practices.map(async (p) => {
      const body =
        p.file === undefined
          ? (p.text ?? '')
          : await readPractice(dir, p.file).catch((error: NodeJS.ErrnoException) => {
              const src = repo.provenance.get(`practices[${p.id}].file`) ?? { file: repo.file };
              const problem = {
                file: src.file,
                line: src.line ?? 1,
                col: src.col ?? 1,
                field: `practices[${p.id}].file`,
                severity: 'error' as const,
              };
              throw new ConfigError([
                { ...problem, message: `cannot read repos/presets/${p.file}: ${error.code ?? error.message}` },
              ]);
            });
      const text = [body.trim(), p.append?.trim()].filter(Boolean).join('\n\n');
      return {
        id: p.id,
        source: p.file
          ? `repos/presets/${p.file}`
          : (repo.provenance.get(`practices[${p.id}].text`)?.file ?? repo.file),
        text,
      };
    }),
  );
  if (ctx.json) ctx.out(JSON.stringify(practices));
  else ctx.out(practices.map((p) => `## ${p.id}\n\n${p.text}\n`).join('\n') || `(no practices for ${slug})`);
  return EXIT.OK;
}
