import type { Document } from 'yaml';
import type { z } from 'zod';
import type { ConfigProblem } from '../../errors.js';
import type { FileKind } from './file-registry.js';
import type { YamlPath } from './yaml-locate.js';

/** A file of the control repo: its path relative to the root (forward slashes) and its text. */
export interface ControlFile {
  path: string;
  text: string;
}

export interface ParsedFile<T = unknown> {
  path: string;
  kind: FileKind;
  value: T;
  doc: Document;
}

/** The files that passed their schema, for the cross-file rules. */
export interface ConfigSet {
  files: readonly ParsedFile[];
  /** False when only some files were read (a lone file outside a control repo): rules about absent files are skipped. */
  complete: boolean;
}

export interface Reporter {
  error(file: ParsedFile, path: YamlPath, message: string): void;
  warning(file: ParsedFile, path: YamlPath, message: string): void;
  /** A problem located by someone else (e.g. the repository resolver's provenance). */
  problem(problem: ConfigProblem): void;
  /** Line and column of a path in a parsed file, for code that locates its own problems. */
  locate(file: ParsedFile): (path: YamlPath) => { line: number; col: number };
}

export interface RuleOptions {
  /** Milliseconds since the epoch; without it, rules about expiry are skipped. */
  now?: number;
}

/** A cross-file rule: reads the parsed set, reports located problems. */
export type Rule = (set: ConfigSet, report: Reporter, options: RuleOptions) => void;

export function filesOf<S extends z.ZodType>(set: ConfigSet, kind: FileKind<S>): ParsedFile<z.output<S>>[] {
  return set.files.filter((f) => f.kind.name === kind.name) as ParsedFile<z.output<S>>[];
}
