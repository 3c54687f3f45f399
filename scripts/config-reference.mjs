// Generates docs/config-reference.md from the JSON Schemas in schemas/ (themselves generated
// from the zod schemas by `factoryctl schema`), so the reference can never drift from the code.
// Usage: node scripts/config-reference.mjs [--check]
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const ORDER = ['factory', 'repo', 'preset', 'overrides', 'halts', 'schedule', 'alarms', 'assignments'];
const root = new URL('../', import.meta.url);

function typeOf(s) {
  if (!s) return '';
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(' \\| ');
  if (s.type === 'array') return `list of ${typeOf(s.items) || 'any'}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties)
    return 'map';
  if (s.pattern && s.pattern.includes('ms|s|m|h|d|w')) return 'duration';
  return Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? '');
}

function rows(schema, path, out) {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) for (const alt of alts) if (alt.type === 'object') rows(alt, path, out);
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const field = path ? `${path}.${key}` : key;
    const required = (schema.required ?? []).includes(key) && prop.default === undefined;
    const dflt =
      prop.default !== undefined && typeof prop.default !== 'object' ? `\`${JSON.stringify(prop.default)}\`` : '';
    out.push(
      `| \`${field}\` | ${typeOf(prop)} | ${required ? 'yes' : ''} | ${dflt} | ${(prop.description ?? '').replace(/\|/g, '\\|')} |`,
    );
    descend(prop, field, out);
  }
  return out;
}

function descend(prop, field, out) {
  const alts = prop.anyOf ?? prop.oneOf;
  const target = alts ? (alts.find((a) => a.type === 'object' || a.type === 'array') ?? prop) : prop;
  if (target.type === 'object' && target.properties) rows(target, field, out);
  else if (target.type === 'object' && typeof target.additionalProperties === 'object') {
    const name = field.endsWith('s') ? `<${field.split('.').pop().replace(/s$/, '')}>` : '<name>';
    rows(target.additionalProperties, `${field}.${name}`, out);
  } else if (target.type === 'array' && target.items && (target.items.properties || target.items.anyOf))
    rows(target.items, `${field}[]`, out);
}

export function render() {
  const files = readdirSync(new URL('schemas/', root)).filter((f) => f.endsWith('.schema.json'));
  const kinds = files
    .map((f) => f.replace('.schema.json', ''))
    .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  let text =
    '# Config reference\n\nGenerated from `schemas/*.schema.json` by `node scripts/config-reference.mjs`; do not edit by hand.\n' +
    'Durations are strings such as `30s`, `5m`, `2h`, `1d`. Secrets are never values here: fields ending in `Env` name an environment variable.\n';
  for (const kind of kinds) {
    const schema = JSON.parse(readFileSync(new URL(`schemas/${kind}.schema.json`, root), 'utf8'));
    text += `\n## ${schema.title ?? kind}\n\n${schema.description ?? ''}\n\n| field | type | required | default | meaning |\n| --- | --- | --- | --- | --- |\n`;
    text += `${rows(schema, '', []).join('\n')}\n`;
  }
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = new URL('docs/config-reference.md', root);
  const text = render();
  if (process.argv.includes('--check')) {
    const current = readFileSync(target, 'utf8');
    if (current !== text) {
      console.error('docs/config-reference.md is out of date: run node scripts/config-reference.mjs');
      process.exit(1);
    }
  } else writeFileSync(target, text);
}
