import { z } from 'zod';
import { DURATION_PATTERN } from '../duration.js';

/** "30s", "5m", "2h", "1d"; read with parseDuration(). Kept a string so the JSON Schema stays simple. */
export const Duration = z.string().regex(new RegExp(DURATION_PATTERN), 'a duration such as 30s, 5m, 2h or 1d');
export const RoleName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a role name: lower case letters, digits and dashes');
export const NodeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a node name: letters, digits, dot, dash, underscore');
export const RepoSlug = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'a repository as OWNER/NAME');
/** The name of an environment variable that holds a secret: config never holds the value. */
export const EnvVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'the NAME of an environment variable (upper case), never its value');
/** A file outside the control repo that holds a secret or an environment. */
export const OutsideFile = z
  .string()
  .regex(/^(\/|~\/|\$[A-Z_][A-Z0-9_]*\/)/, 'an absolute path (or ~/ or $VAR/) outside the control repo');
export const IsoTime = z.iso.datetime({ offset: true });
export const Percent = z.number().min(0).max(100);
