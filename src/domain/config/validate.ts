import { factoryCapNeedsPlacement } from './validate-caps.js';
import { z } from 'zod';
import type { ConfigProblem } from '../../errors.js';
import { FACTORY, FILE_KINDS, kindOf, toPosix, type FileKind } from './file-registry.js';
import { parseYamlWithSchema } from './parse-yaml.js';
import { findSecrets } from './secrets.js';
import { referenceRules } from './validate-references.js';
import { thresholdRules } from './validate-thresholds.js';
import { ciOverloadRolesReferenceRoles } from './validate-ci-roles.js';
import { receiversReferenceConfig } from './validate-receivers.js';
import { ALLOWED_SIGNERS_PATH, trustRule } from './validate-trust.js';
import { positionOf, valueOffset, type YamlPath } from './yaml-locate.js';
import type { ConfigSet, ControlFile, ParsedFile, Reporter, Rule, RuleOptions } from './config-set.js';

export {
  filesOf,
  type ConfigSet,
  type ControlFile,
  type ParsedFile,
  type Reporter,
  type Rule,
  type RuleOptions,
} from './config-set.js';

export interface ValidateOptions extends RuleOptions {
  /** Report only this file's problems (the others are still read, for cross-file rules). */
  only?: string;
  /** Not every file of the control repo was given: skip rules about missing files. */
  partial?: boolean;
  kinds?: readonly FileKind[];
  rules?: readonly Rule[];
}

export type ValidationResult =
  | { ok: true; warnings: ConfigProblem[]; set: ConfigSet }
  | { ok: false; errors: ConfigProblem[]; warnings: ConfigProblem[] };

export const RULES: readonly Rule[] = [
  ...referenceRules,
  ciOverloadRolesReferenceRoles,
  receiversReferenceConfig,
  ...thresholdRules,
  factoryCapNeedsPlacement,
];

/**
 * Validates a control repo in stages: each YAML file against its kind's schema, every file for
 * secrets, then the cross-file rules over the files that parsed. Never throws on any input.
 */
export function validateControlRepo(files: readonly ControlFile[], options: ValidateOptions = {}): ValidationResult {
  const kinds = options.kinds ?? FILE_KINDS;
  const problems: ConfigProblem[] = [];
  const parsed: ParsedFile[] = [];
  const texts = new Map<string, string>();

  for (const file of files) {
    const path = toPosix(file.path);
    texts.set(path, file.text);
    if (path === ALLOWED_SIGNERS_PATH) continue; // not YAML, and public keys are no secret: trustRule reads it
    const kind = kindOf(path, kinds);
    const result = parseSafely(path, file.text, kind?.schema ?? z.unknown());
    if (!result.ok) problems.push(...firstSyntaxError(result.problems));
    else if (kind) parsed.push({ path, kind, value: result.value, doc: result.doc });
    problems.push(...findSecrets(path, file.text));
    if (!kind) problems.push(...misplaced(path, kinds));
  }
  const complete = options.partial !== true;
  if (complete && !texts.has(FACTORY.pattern) && kinds.includes(FACTORY))
    problems.push({
      file: FACTORY.pattern,
      line: 1,
      col: 1,
      field: '',
      message: 'missing: a control repo has factory.yaml at its root',
      severity: 'error',
    });

  const set: ConfigSet = { files: parsed, complete };
  const located = (severity: ConfigProblem['severity']) => (file: ParsedFile, path: YamlPath, message: string) =>
    problems.push({
      file: file.path,
      ...positionOf(texts.get(file.path) ?? '', valueOffset(file.doc, path)),
      field: path.join('.'),
      message,
      severity,
    });
  const report: Reporter = {
    error: located('error'),
    warning: located('warning'),
    problem: (p) => problems.push(p),
    locate: (file) => (path) => positionOf(texts.get(file.path) ?? '', valueOffset(file.doc, path)),
  };
  for (const rule of options.rules ?? [...RULES, trustRule(texts.get(ALLOWED_SIGNERS_PATH))])
    rule(set, report, options);

  const only = options.only === undefined ? undefined : toPosix(options.only);
  const shown = dedupe(problems.filter((p) => only === undefined || p.file === only)).sort(byLocation);
  const errors = shown.filter((p) => p.severity === 'error');
  const warnings = shown.filter((p) => p.severity === 'warning');
  return errors.length === 0 ? { ok: true, warnings, set } : { ok: false, errors, warnings };
}

/** Every problem of a result, errors and warnings, in file order. */
export function problemsOf(result: ValidationResult): ConfigProblem[] {
  return (result.ok ? result.warnings : [...result.errors, ...result.warnings]).sort(byLocation);
}

/** The yaml library throws on alias bombs (past maxAliasCount): that is a problem in the file, not a crash. */
function parseSafely(path: string, text: string, schema: z.ZodType): ReturnType<typeof parseYamlWithSchema> {
  try {
    return parseYamlWithSchema(path, text, schema);
  } catch (error) {
    const message = `cannot read this YAML: ${(error as Error).message}`;
    return { ok: false, problems: [{ file: path, line: 1, col: 1, field: '', message, severity: 'error' }] };
  }
}

/** After the first YAML syntax error the parser's further errors are mostly its echo: show the first. */
function firstSyntaxError(problems: ConfigProblem[]): ConfigProblem[] {
  const syntax = problems.filter((p) => p.field === '' && p.severity === 'error').sort(byLocation);
  return syntax.length > 0 ? [syntax[0]!, ...problems.filter((p) => p.severity === 'warning')] : problems;
}

/** A YAML file where factoryctl reads config, that no kind matches, is never read: say so. */
function misplaced(path: string, kinds: readonly FileKind[]): ConfigProblem[] {
  const at = { file: path, line: 1, col: 1, field: '' };
  if (path.startsWith('repos/') && !path.startsWith('repos/presets/practices/')) {
    if (path.endsWith('.yml'))
      return [{ ...at, message: 'rename to .yaml: factoryctl reads repos/**.yaml only', severity: 'warning' }];
    return [
      {
        ...at,
        message: 'misplaced: a repository is repos/<owner>/<name>.yaml, a preset repos/presets/<name>.yaml',
        severity: 'error',
      },
    ];
  }
  if (path.startsWith('factory-state/')) {
    const known = kinds.filter((k) => k.pattern.startsWith('factory-state/')).map((k) => k.pattern);
    return [
      { ...at, message: `factoryctl does not read this file (it reads ${known.join(', ')})`, severity: 'warning' },
    ];
  }
  return [];
}

function byLocation(a: ConfigProblem, b: ConfigProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.field.localeCompare(b.field);
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.col}:${p.field}:${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
