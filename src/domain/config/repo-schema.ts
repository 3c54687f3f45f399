import { z } from 'zod';
import { CiRepoSettings } from './ci-settings-schema.js';
import { Duration, EnvVarName, OutsideFile, RoleName } from './common.js';
import { placementFields } from './roles-schema.js';

/*
 * Layout: one file per repository, repos/<owner>/<name>.yaml, its path being the slug.
 * - one writer per file: a PR touching one repository changes one file, and never conflicts
 *   with a PR about another; CODEOWNERS can hand repos/<org>/ to that org's people;
 * - the slug cannot disagree with the file name, because there is no slug field;
 * - repos/presets/<name>.yaml hold shared parts, so the owner name "presets" is reserved.
 * A slug names one repository across all forges: two forges hosting the same OWNER/NAME cannot
 * both be managed (rare: move one under another owner name).
 *
 * Two schemas: a file (repository or preset) is partial and may carry the merge markers
 * `$remove` / `$replace`; the resolved config, after presets are merged, is complete.
 */

export const PresetName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/,
    'a preset name: the path of repos/presets/<name>.yaml without .yaml',
  );
export const LabelColor = z
  .string()
  .regex(/^#?[0-9a-fA-F]{6}$/, 'a colour as six hex digits, e.g. "#d73a4a" (quote it: # starts a YAML comment)');
/** Paths of practice documents are relative to repos/presets/ and stay inside practices/. */
export const PracticeFile = z
  .string()
  .regex(
    /^practices\/([A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.(md|txt)$/,
    'a file under practices/ (relative to repos/presets/), e.g. practices/testing.md',
  );
const Login = z.string().min(1).describe('a forge user name');
// Forgejo joins a rule's file patterns with ';' on the wire, so a pattern cannot hold one.
const FilePattern = z.string().regex(/^[^;\s]+$/, 'a file glob without spaces or ";", e.g. factory-state/**');

const Remove = z.boolean().optional().describe('drop the inherited entry with this key');
const Replace = z.boolean().optional().describe('replace the inherited entry instead of merging into it');

const labelFields = {
  color: LabelColor.describe('six hex digits, with or without #'),
  description: z.string().max(200).describe('shown on the forge next to the label'),
  exclusive: z.boolean().describe('scoped label (scope/name): an issue carries one label of the scope'),
};
const protectionFields = {
  requiredApprovals: z.number().int().min(0).max(20).describe('approving reviews needed before a merge'),
  requiredStatusChecks: z
    .array(z.string().min(1))
    .describe('CI status contexts that must pass, e.g. ci/woodpecker/pr/test'),
  pushAllowlist: z
    .array(Login)
    .describe('only these users may push directly; absent or [] = nobody (changes arrive by pull request)'),
  mergeAllowlist: z.array(Login).describe('only these users may merge; [] = nobody; absent = anyone with write access'),
  requireSignedCommits: z
    .boolean()
    .describe("refuse pushes of commits the forge cannot verify as signed by the pusher's account"),
  protectedFilePatterns: z
    .array(FilePattern)
    .describe('files nobody may change on the branch, by push or merge (globs, e.g. .woodpecker/**)'),
  unprotectedFilePatterns: z
    .array(FilePattern)
    .describe('files users with write access may push directly even when pushes are blocked (e.g. factory-state/**)'),
};
const agentFields = {
  enabled: z.boolean().describe('false: never scheduled for this repository'),
  command: z.string().min(1).describe("the agent command, run with the repository's environment"),
  schedule: z.strictObject({ min: Duration, max: Duration }).describe('bounds of the tuned interval between runs'),
  weight: z.number().min(0).max(100).describe("share of the role's capacity relative to other repositories"),
  nodeSelector: placementFields.nodeSelector.describe("labels a node must carry, on top of the role's nodeSelector"),
  peakMemoryMb: placementFields.peakMemoryMb.describe(
    "this repository's peak, instead of the role's (e.g. a big build)",
  ),
};
const redMainFields = {
  enabled: z.boolean().describe('default: on when the repository has ci, off without'),
  branch: z.string().min(1).describe('the primary branch whose latest pipeline is read (default main)'),
  grace: Duration.describe('dev pauses once the branch has been red this long (default 15m)...'),
  inARow: z.number().int().min(1).max(100).describe('...or after this many failed pipelines in a row (default 2)'),
};
const practiceFields = {
  text: z.string().min(1).describe("the practice itself, for an agent's prompt"),
  file: PracticeFile.describe('or a document under repos/presets/practices/'),
  append: z.string().min(1).describe('text added after the inherited practice, for this repository'),
};

const partialEntry = <S extends z.core.$ZodLooseShape>(fields: S) =>
  z.strictObject(fields).partial().extend({ $remove: Remove, $replace: Replace });

export const LabelEntry = partialEntry(labelFields).extend({ name: z.string().min(1).max(50) });
export const ProtectionEntry = partialEntry(protectionFields).extend({
  branch: z.string().min(1).describe("branch name or glob; $primary is the repository's primaryBranch"),
});
export const PracticeEntry = z.union([
  PracticeFile,
  partialEntry(practiceFields).extend({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a practice id: lower case, digits, . _ -'),
  }),
]);
export const AgentEntry = partialEntry({
  ...agentFields,
  schedule: z.strictObject({ min: Duration, max: Duration }).partial(),
});

/** Plain values an agent reads, exported by `env`; never a secret (the secret scan checks every file). */
export const RepoVars = z
  .record(EnvVarName, z.union([z.string(), z.number(), z.boolean()]))
  .describe('NAME: value pairs the agents read (plain values, never secrets), exported by `factoryctl env`');
const PrimaryBranch = z
  .string()
  .min(1)
  .describe('the branch agents work against (often master); a protection entry with branch $primary follows it');

/** repos/<owner>/<name>.yaml and repos/presets/<name>.yaml. */
export const RepoFile = z.strictObject({
  primaryBranch: PrimaryBranch.optional(),
  vars: RepoVars.optional(),
  extends: z.array(PresetName).optional().describe("presets applied first, in order; this file's own values win"),
  forge: z.string().min(1).optional().describe('name of a forge in factory.yaml `forges`'),
  tokenEnv: EnvVarName.optional().describe("this repository's own token variable instead of the forge's"),
  labels: z.array(LabelEntry).optional().describe('merged by name'),
  branchProtection: z.array(ProtectionEntry).optional().describe('merged by branch'),
  prune: z
    .strictObject({
      labels: z.boolean().optional().describe('delete labels on the forge that the config does not list'),
      branchProtection: z.boolean().optional().describe('delete protection rules the config does not list'),
    })
    .optional(),
  ci: z
    .strictObject({
      server: z.string().min(1).optional().describe('name of a server in factory.yaml `ci`'),
      repoId: z.number().int().positive().optional().describe("the repository's id on the Woodpecker server"),
      tokenEnv: EnvVarName.optional(),
      settings: CiRepoSettings.optional(),
      $replace: Replace,
    })
    .optional(),
  redMain: z
    .strictObject({
      enabled: redMainFields.enabled.optional(),
      branch: redMainFields.branch.optional(),
      grace: redMainFields.grace.optional(),
      inARow: redMainFields.inARow.optional(),
    })
    .optional()
    .describe("pause this repository's dev while its primary branch's pipeline is red"),
  agents: z.record(RoleName, AgentEntry).optional().describe('per role, merged by role'),
  env: z
    .strictObject({
      vars: z
        .array(
          z.string().regex(/^!?[A-Z_][A-Z0-9_]*$/, 'a variable NAME (never a value); !NAME drops an inherited one'),
        )
        .optional()
        .describe('names taken from the environment; merged as a set'),
      file: OutsideFile.optional().describe('a NAME=value file outside the control repo'),
    })
    .optional(),
  practices: z.array(PracticeEntry).optional().describe('merged by id; a bare path is {id: its base name, file: path}'),
});
export type RepoFile = z.infer<typeof RepoFile>;

// ---- resolved (after presets): complete, with the defaults an operator would expect ----

export const ResolvedLabel = z.strictObject({
  name: z.string(),
  ...labelFields,
  description: labelFields.description.default(''),
  exclusive: labelFields.exclusive.default(false),
});
export const ResolvedProtection = z.strictObject({
  branch: z.string(),
  requiredApprovals: protectionFields.requiredApprovals.default(0),
  requiredStatusChecks: protectionFields.requiredStatusChecks.default([]),
  pushAllowlist: protectionFields.pushAllowlist.optional(),
  mergeAllowlist: protectionFields.mergeAllowlist.optional(),
  requireSignedCommits: protectionFields.requireSignedCommits.optional().describe('default false'),
  protectedFilePatterns: protectionFields.protectedFilePatterns.optional(),
  unprotectedFilePatterns: protectionFields.unprotectedFilePatterns.optional(),
});
export const ResolvedAgent = z.strictObject({
  enabled: agentFields.enabled.default(true),
  command: agentFields.command.optional().describe("default: the role's command in factory.yaml"),
  schedule: agentFields.schedule.optional().describe("default: the role's schedule in factory.yaml"),
  weight: agentFields.weight.default(1),
  nodeSelector: agentFields.nodeSelector.optional(),
  peakMemoryMb: agentFields.peakMemoryMb.optional(),
});
export const ResolvedPractice = z
  .strictObject({
    id: z.string(),
    text: practiceFields.text.optional(),
    file: practiceFields.file.optional(),
    append: practiceFields.append.optional(),
  })
  .refine((p) => (p.text === undefined) !== (p.file === undefined), {
    message: 'a practice has either text or file',
    path: ['text'],
  });

export const ResolvedRepoConfig = z.strictObject({
  primaryBranch: PrimaryBranch.default('main'),
  vars: RepoVars.default({}),
  forge: z.string({ error: 'no forge: name one of factory.yaml `forges` here or in a preset' }).min(1),
  tokenEnv: EnvVarName.optional(),
  labels: z.array(ResolvedLabel).default([]),
  branchProtection: z.array(ResolvedProtection).default([]),
  prune: z
    .strictObject({ labels: z.boolean().default(false), branchProtection: z.boolean().default(false) })
    .default({ labels: false, branchProtection: false }),
  ci: z
    .strictObject({
      server: z.string().min(1),
      repoId: z.number().int().positive(),
      tokenEnv: EnvVarName.optional(),
      settings: CiRepoSettings.optional(),
    })
    .optional(),
  redMain: z
    .strictObject({
      enabled: redMainFields.enabled.optional(),
      branch: redMainFields.branch.default('main'),
      grace: redMainFields.grace.default('15m'),
      inARow: redMainFields.inARow.default(2),
    })
    .default({ branch: 'main', grace: '15m', inARow: 2 }),
  agents: z.record(RoleName, ResolvedAgent).default({}),
  env: z.strictObject({ vars: z.array(EnvVarName).default([]), file: OutsideFile.optional() }).default({ vars: [] }),
  practices: z.array(ResolvedPractice).default([]),
});
export type ResolvedRepoConfig = z.infer<typeof ResolvedRepoConfig>;
export type ResolvedLabel = z.infer<typeof ResolvedLabel>;
export type ResolvedProtection = z.infer<typeof ResolvedProtection>;
