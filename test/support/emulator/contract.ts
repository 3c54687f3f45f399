// Every request and response the emulator served, checked against the published Swagger specs.
import type { ErrorObject } from 'ajv';
import type { Emulator } from './emulator.js';
import { loadSpec, type LoadedSpec, type SwaggerOp, type SwaggerParam } from './spec-loader.js';
import type { ApiName, Exchange } from './types.js';

/**
 * Statuses that real servers send from middleware (auth, rate limiting, proxies, routing) although the
 * specs rarely declare them per operation. They are accepted with the API's generic error shape:
 * Forgejo's APIError JSON, Woodpecker's plain text.
 */
export const UNDECLARED_ALLOWED: ReadonlySet<number> = new Set([401, 403, 404, 429, 500, 502, 503]);

export interface ContractReport {
  checked: number;
  problems: string[];
  /** "METHOD template status" seen, to show what the tests covered */
  covered: string[];
}

function matchTemplate(spec: LoadedSpec, segments: string[]): string | undefined {
  let best: { t: string; literals: number } | undefined;
  for (const t of Object.keys(spec.paths)) {
    const parts = t.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const ok = parts.every((p, i) => (p.startsWith('{') ? true : p === segments[i] ? ++literals > 0 : false));
    if (ok && (!best || literals > best.literals)) best = { t, literals };
  }
  return best?.t;
}

const fmt = (errs: ErrorObject[] | null | undefined) =>
  (errs ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    )
    .join('; ');

function checkScalar(p: SwaggerParam, value: string): string | undefined {
  const type = p.type;
  if (
    (type === 'integer' && !/^-?\d+$/.test(value)) ||
    (type === 'number' && Number.isNaN(Number(value))) ||
    (type === 'boolean' && !/^(true|false)$/.test(value))
  )
    return `${p.in} parameter ${p.name}=${value} is not ${type}`;
  if (p.enum && !p.enum.includes(value)) return `${p.in} parameter ${p.name}=${value} not in ${JSON.stringify(p.enum)}`;
  return undefined;
}

function checkParams(op: SwaggerOp, tpl: string, segments: string[], ex: Exchange): string[] {
  const out: string[] = [];
  const params = op.parameters ?? [];
  tpl
    .split('/')
    .filter(Boolean)
    .forEach((part, i) => {
      if (!part.startsWith('{')) return;
      const p = params.find((x) => x.in === 'path' && x.name === part.slice(1, -1));
      if (!p) out.push(`path parameter ${part} not declared`);
      else {
        const err = checkScalar(p, segments[i] as string);
        if (err) out.push(err);
      }
    });
  for (const [name, values] of Object.entries(ex.query)) {
    const p = params.find((x) => x.in === 'query' && x.name === name);
    if (!p) {
      out.push(`query parameter ${name} not in spec`);
      continue;
    }
    const items =
      p.type === 'array' ? (p.collectionFormat === 'multi' ? values : values.flatMap((v) => v.split(','))) : values;
    if (p.type !== 'array' && values.length > 1) out.push(`query parameter ${name} repeated`);
    for (const v of items) {
      const err = checkScalar(
        p.type === 'array' ? ({ ...p, type: p.items?.type, enum: p.items?.enum } as SwaggerParam) : p,
        v,
      );
      if (err) out.push(err);
    }
  }
  for (const p of params.filter((x) => x.required)) {
    if (p.in === 'query' && !(p.name in ex.query)) out.push(`required query parameter ${p.name} missing`);
    if (p.in === 'header' && !(p.name.toLowerCase() in ex.requestHeaders))
      out.push(`required header ${p.name} missing`);
    if (p.in === 'body' && ex.requestBody === undefined) out.push('required body missing');
  }
  return out;
}

function checkOne(spec: LoadedSpec, ex: Exchange): string[] {
  if (!ex.path.startsWith(spec.basePath + '/')) return [`path outside basePath ${spec.basePath}`];
  const segments = ex.path.slice(spec.basePath.length).split('/').filter(Boolean).map(decodeURIComponent);
  const tpl = matchTemplate(spec, segments);
  if (!tpl) return ['no such path in the spec'];
  const op = spec.paths[tpl]?.[ex.method.toLowerCase()];
  if (!op) return [`${ex.method} not allowed on ${tpl} by the spec`];
  const out = checkParams(op, tpl, segments, ex);
  const bodyParam = (op.parameters ?? []).find((p) => p.in === 'body');
  if (ex.requestBody !== undefined) {
    if (!bodyParam?.schema) out.push('request has a body the spec does not declare');
    else {
      const v = spec.validator(bodyParam.schema);
      if (!v(ex.requestBody)) out.push(`request body: ${fmt(v.errors)}`);
    }
  }
  if (ex.status === undefined) return out; // hung on purpose: no response to check
  const declared = op.responses[String(ex.status)] ?? op.responses.default;
  if (declared) {
    if (declared.schema) {
      if (!ex.responseContentType?.startsWith('application/json'))
        out.push(`response ${ex.status} is ${ex.responseContentType ?? 'empty'}, spec has a JSON schema`);
      const v = spec.validator(declared.schema);
      if (!v(ex.responseBody)) out.push(`response ${ex.status} body: ${fmt(v.errors)}`);
    } else if (ex.responseBody !== undefined && ex.responseBody !== '' && spec.api === 'forgejo') {
      out.push(`response ${ex.status} has a body, spec declares none`);
    }
  } else if (!UNDECLARED_ALLOWED.has(ex.status)) {
    out.push(`response status ${ex.status} not declared (declared: ${Object.keys(op.responses).join(', ')})`);
  } else if (spec.api === 'forgejo') {
    const v = spec.validator({ $ref: '#/definitions/APIError' });
    if (!v(ex.responseBody)) out.push(`undeclared ${ex.status} body is not an APIError: ${fmt(v.errors)}`);
  } else if (typeof ex.responseBody !== 'string') {
    out.push(`undeclared ${ex.status} should be plain text like Woodpecker's`);
  }
  return out;
}

export async function checkExchanges(exchanges: readonly Exchange[]): Promise<ContractReport> {
  const specs = new Map<ApiName, LoadedSpec>();
  const report: ContractReport = { checked: 0, problems: [], covered: [] };
  const covered = new Set<string>();
  for (const ex of exchanges) {
    let spec = specs.get(ex.api);
    if (!spec) specs.set(ex.api, (spec = await loadSpec(ex.api)));
    report.checked++;
    for (const p of checkOne(spec, ex))
      report.problems.push(
        `[${ex.api}] ${ex.method} ${ex.path}${ex.status !== undefined ? ` -> ${ex.status}` : ''}: ${p}`,
      );
    covered.add(`${ex.api} ${ex.route ?? ex.method + ' ' + ex.path} ${ex.status ?? 'hang'}`);
  }
  report.covered = [...covered].sort();
  return report;
}

/** For any test's afterAll: fails with every mismatch, and on exceptions inside the emulator. */
export async function assertAllExchangesMatchSpec(emu: Pick<Emulator, 'exchanges' | 'bugs'>): Promise<ContractReport> {
  const report = await checkExchanges(emu.exchanges);
  const problems = [...emu.bugs.map((b) => `emulator bug: ${b.stack ?? b.message}`), ...report.problems];
  if (problems.length > 0)
    throw new Error(
      `${problems.length} exchange(s) do not match the API specs:\n${[...new Set(problems)].slice(0, 40).join('\n')}`,
    );
  return report;
}
