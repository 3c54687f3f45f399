import { formatProblem } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { formatSource } from '../domain/repos/provenance.js';
import { renderWithProvenance } from '../domain/repos/render-provenance.js';
import { UsageError } from '../errors.js';
import { requireDir, type CommandContext } from './context.js';
import { loadRepos, pickRepos } from '../adapters/control-repo/load-repos.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl config show OWNER/NAME [--json]

The repository's config with every preset applied (see docs/config-merge.md), each value
followed by the file and line it came from ("default" when no file set it).
  --json   { slug, file, presets, config, provenance: { "labels[bug].color": "repos/...:3:5" } }`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  // `config show X` and `config-show X` both land here
  const rest = args[0] === 'show' ? args.slice(1) : args;
  const { positionals } = parseFlags(rest, {}, 1);
  const slug = positionals[0];
  if (!slug) throw new UsageError('config show needs a repository: factoryctl config show OWNER/NAME');
  const loaded = await loadRepos(requireDir(ctx), [slug]);
  const [repo] = pickRepos(loaded.repos, [slug]);
  if (!repo) return EXIT.NOINPUT;
  for (const p of loaded.problems.filter((x) => x.file === repo.file || x.message.includes(`resolving ${slug})`)))
    ctx.err(formatProblem(p));

  if (ctx.json) {
    const provenance = Object.fromEntries([...repo.provenance].map(([path, src]) => [path, formatSource(src)]));
    ctx.out(
      JSON.stringify({ slug: repo.slug, file: repo.file, presets: repo.presets, config: repo.config, provenance }),
    );
  } else ctx.out(renderWithProvenance(repo));
  return EXIT.OK;
}
