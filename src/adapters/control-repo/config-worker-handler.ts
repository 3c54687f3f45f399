// What the config worker does, importable in-process too (tests running from source).
import { parseNodeConfig, type ParsedNodeConfig } from './node-config-parse.js';
import type { NodeConfigView } from './node-config-view.js';
import type { ViewParts } from '../../domain/control-view.js';
import { parseViewPart, type PartResult } from './view-parse.js';

export type ConfigWorkerRequest =
  | { kind: 'node-config'; dir: string; previous?: NodeConfigView }
  | { kind: 'view-part'; part: keyof ViewParts; text: string | undefined };

export type ConfigWorkerResponse<R extends ConfigWorkerRequest> = R extends { kind: 'node-config' }
  ? ParsedNodeConfig
  : PartResult<keyof ViewParts>;

export async function handleConfigRequest<R extends ConfigWorkerRequest>(request: R): Promise<ConfigWorkerResponse<R>> {
  if (request.kind === 'node-config')
    return (await parseNodeConfig(request.dir, request.previous)) as ConfigWorkerResponse<R>;
  return parseViewPart(request.part, request.text) as ConfigWorkerResponse<R>;
}
