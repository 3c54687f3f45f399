// Loads a Swagger 2.0 document for validation: dereferenced, with ajv compiling only the schemas actually used.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { sharedPath } from '../shared-dir.js';
import type { ApiName } from './types.js';

export const SPEC_FILES: Record<ApiName, string> = {
  forgejo: sharedPath('specs', 'forgejo-swagger.v1.json'),
  woodpecker: sharedPath('specs', 'woodpecker-swagger.json'),
};

export interface SwaggerParam {
  name: string;
  in: 'path' | 'query' | 'header' | 'body' | 'formData';
  required?: boolean;
  type?: string;
  items?: { type?: string; enum?: unknown[] };
  enum?: unknown[];
  collectionFormat?: string;
  schema?: object;
}
export interface SwaggerOp {
  operationId?: string;
  parameters?: SwaggerParam[];
  responses: Record<string, { schema?: object }>;
  produces?: string[];
}
export interface LoadedSpec {
  api: ApiName;
  basePath: string;
  paths: Record<string, Record<string, SwaggerOp>>;
  definitions: Record<string, object>;
  /** compiled once per schema object */
  validator(schema: object): ValidateFunction;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Objects that list their properties get additionalProperties: false, unless the spec says otherwise:
 * the emulator must not invent fields and the adapters must not send any, or the emulator could drift
 * from Forgejo/Woodpecker unnoticed (Swagger leaves extra fields open by default).
 */
function closeObjects(node: unknown, seen = new Set<unknown>()): void {
  if (typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  const o = node as Record<string, unknown>;
  if (o.properties && o.additionalProperties === undefined && !o.allOf) o.additionalProperties = false;
  for (const v of Object.values(o)) closeObjects(v, seen);
}

export async function loadSpec(api: ApiName): Promise<LoadedSpec> {
  const raw = (await SwaggerParser.parse(SPEC_FILES[api])) as unknown as {
    definitions: Record<string, object>;
    responses?: Record<string, object>;
  };
  const definitions = structuredClone(raw.definitions);
  // Cycles (Repository.parent -> Repository) stay as "#/definitions/X" refs; ajv resolves them against `defs` below.
  const doc = (await SwaggerParser.dereference(structuredClone(raw) as never, {
    dereference: { circular: 'ignore' },
  })) as unknown as {
    basePath: string;
    paths: LoadedSpec['paths'];
  };
  // A response whose schema is circular is left as {$ref: '#/responses/X'}: inline its (ref-bearing) body.
  for (const ops of Object.values(doc.paths))
    for (const op of Object.values(ops))
      for (const [code, r] of Object.entries(op.responses ?? {})) {
        const ref = (r as { $ref?: string }).$ref;
        if (ref?.startsWith('#/responses/')) op.responses[code] = structuredClone(raw.responses?.[ref.slice(12)] ?? {});
      }
  closeObjects(doc.paths);
  closeObjects(definitions);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  for (const f of ['int64', 'int32', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'defs', definitions }, 'defs');
  const cache = new Map<object, ValidateFunction>();
  const rewrite = (s: unknown): unknown =>
    JSON.parse(JSON.stringify(s).replace(/"#\/definitions\//g, '"defs#/definitions/'));
  return {
    api,
    basePath: doc.basePath,
    paths: doc.paths,
    definitions,
    validator(schema) {
      let v = cache.get(schema);
      if (!v) {
        v = ajv.compile(rewrite(schema) as object);
        cache.set(schema, v);
      }
      return v;
    },
  };
}
