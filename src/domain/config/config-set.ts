import type { Document } from 'yaml';
import type { z } from 'zod';
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
  /** Set when the set is the whole control repo, not one file of it. */
  complete: boolean;
}

export interface Reporter {
  error(file: ParsedFile, path: YamlPath, message: string): void;
  warning(file: ParsedFile, path: YamlPath, message: string): void;
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

