import { isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { ConfigProblem } from '../../errors.js';
import { positionOf } from './yaml-locate.js';

/** What to do instead, said once for every kind of leaked secret. */
const INSTEAD =
  'never commit secrets: put it in an environment variable and name that variable in a ...Env field ' +
  '(e.g. tokenEnv: FORGE_TOKEN), or keep it in a file outside the repo; revoke it if it was ever pushed';

/** Formats with a recognisable shape: reported wherever they appear, comments included. */
const SHAPES: readonly { what: string; re: RegExp; check?: (m: string) => boolean }[] = [
  { what: 'a private key (PEM block)', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { what: 'a JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { what: 'a GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { what: 'a GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { what: 'a Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  // sk- alone is too common in kebab-case names; API keys also mix digits and upper case.
  { what: 'an API secret key (sk-...)', re: /\bsk-[A-Za-z0-9_-]{20,}/, check: (m) => /\d/.test(m) && /[A-Z]/.test(m) },
  { what: 'an AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
];

/** Keys whose literal value is a secret (camelCase, snake_case and kebab-case alike). */
const SECRET_WORDS = new Set([
  'token',
  'password',
  'passwd',
  'pwd',
  'secret',
  'apikey',
  'passphrase',
  'credential',
  'credentials',
]);
/** "key" alone is a secret; "sortKey" is not, "apiKey" is. */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'ssh',
  'signing',
  'master',
  'encryption',
  'auth',
  'client',
  'deploy',
]);
/** Hashes are public: a long hex value under one of these keys is not a token. */
const HASH_WORDS = new Set([
  'sha',
  'sha1',
  'sha256',
  'sha512',
  'commit',
  'digest',
  'hash',
  'checksum',
  'rev',
  'revision',
  'oid',
  'etag',
  'fingerprint',
]);
/** What a secret-named key may hold: nothing, a variable reference or name, a CI secret's name, or a path outside the repo. */
const REFERENCE =
  /^(?:\$\{?[A-Z_][A-Z0-9_]*\}?|\$\{\{.*\}\}|[A-Z_][A-Z0-9_]*|(?:\/|~\/|\$\{?[A-Z_][A-Z0-9_]*\}?\/).*)$/;
/** Keys whose value names a secret kept elsewhere (Woodpecker's from_secret). */
const NAMES_A_SECRET = /^from[_-]?secret$/i;

/**
 * Finds values that look like secrets in one YAML file: known token shapes, private keys, JWTs,
 * long hex and random-looking strings, and literal values under keys such as password or apiKey.
 */
export function findSecrets(file: string, text: string): ConfigProblem[] {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const problems: ConfigProblem[] = [];
  const scalarRanges: [number, number][] = [];
  const report = (offset: number, path: (string | number)[], message: string) =>
    problems.push({ file, ...positionOf(text, offset), field: path.join('.'), message, severity: 'error' });

  const scalar = (node: Node, path: (string | number)[], key: string | undefined): void => {
    if (!isScalar(node) || !node.range) return;
    const [start, end] = node.range;
    scalarRanges.push([start, end]);
    const value = node.value;
    if (typeof value === 'string') {
      const found = detect(value, key);
      if (found) {
        const at = text.slice(start, end).indexOf(found.match);
        return void report(at >= 0 ? start + at : start, path, `looks like ${found.what}: ${INSTEAD}`);
      }
    }
    if (key !== undefined && isSecretKey(key) && (typeof value === 'string' || typeof value === 'number')) {
      const literal = String(value).trim();
      if (literal !== '' && !REFERENCE.test(literal)) report(start, path, `"${key}" holds a literal value: ${INSTEAD}`);
    }
  };

  const walk = (node: unknown, path: (string | number)[], key: string | undefined): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (isScalar(pair.key)) scalar(pair.key, [...path, name ?? ''], undefined);
        walk(pair.value, [...path, name ?? '?'], name);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i], key));
    } else if (isScalar(node)) {
      scalar(node, path, key);
    }
  };
  walk(doc.contents, [], undefined);

  // Comments are committed too; only the unmistakable shapes are looked for in prose.
  for (const shape of SHAPES) {
    for (const m of text.matchAll(new RegExp(shape.re.source, 'g'))) {
      const offset = m.index;
      if (shape.check && !shape.check(m[0])) continue;
      if (scalarRanges.some(([s, e]) => offset >= s && offset < e)) continue;
      report(offset, ['(comment)'], `looks like ${shape.what}: ${INSTEAD}`);
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** The first secret-looking thing in a string, and the text that gave it away. */
export function detect(value: string, key?: string): { what: string; match: string } | undefined {
  for (const shape of SHAPES) {
    const m = shape.re.exec(value);
    if (m && (!shape.check || shape.check(m[0]))) return { what: shape.what, match: m[0] };
  }
  const words = key === undefined ? [] : keyWords(key);
  if (!HASH_WORDS.has(words.at(-1) ?? '')) {
    const hex = /(?<![A-Za-z0-9])(?:[0-9a-f]{32,}|[0-9A-F]{32,})(?![A-Za-z0-9])/.exec(value);
    if (hex && /\d/.test(hex[0]) && /[a-fA-F]/.test(hex[0]) && !/sha\d*[:-]$/i.test(value.slice(0, hex.index)))
      return { what: 'a token (long hex string)', match: hex[0] };
  }
  // "=" only pads the end of base64, and a leading dash is an option's, not the token's.
  for (const run of value.match(/[A-Za-z0-9+/_-]{24,}={0,2}/g) ?? []) {
    const token = run.replace(/^[-_+/]+/, '');
    if (looksRandom(token)) return { what: 'a token (random-looking string)', match: token };
  }
  return undefined;
}

export function isSecretKey(key: string): boolean {
  const words = keyWords(key);
  const last = words.at(-1) ?? '';
  if (NAMES_A_SECRET.test(key)) return false;
  if (SECRET_WORDS.has(last)) return true;
  return last === 'key' && (words.length === 1 || KEY_QUALIFIERS.has(words.at(-2) ?? ''));
}

/** "webhookSecretEnv" -> [webhook, secret, env]; "API_KEY" -> [api, key]. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * Random-looking: a long separator-free core mixing upper case, lower case and digits, switching
 * between them often, not made of words, with a high Shannon entropy for its length. Tuned so
 * ~90% of random 24-64 character base64/alnum tokens match and identifiers, paths and URLs do not.
 */
export function looksRandom(token: string): boolean {
  if (token.length < 24) return false;
  const segments = token.split(token.startsWith('/') ? /[-_./]/ : /[-_.]/);
  const core = segments.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (core.length < 16 || !/[a-z]/.test(core) || !/[A-Z]/.test(core) || !/\d/.test(core)) return false;
  if (classChanges(core) < 0.4) return false;
  if ((core.match(/[A-Za-z][a-z]{3,}/g) ?? []).join('').length / core.length >= 0.4) return false;
  return entropy(token) >= Math.min(4.8, 0.82 * Math.log2(token.length));
}

export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

function classChanges(text: string): number {
  const cls = (c: string) => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : /\d/.test(c) ? 2 : 3);
  let changes = 0;
  for (let i = 1; i < text.length; i++) if (cls(text[i]!) !== cls(text[i - 1]!)) changes++;
  return changes / (text.length - 1);
}
