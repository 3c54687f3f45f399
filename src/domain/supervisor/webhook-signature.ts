import { createHmac, timingSafeEqual } from 'node:crypto';

export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;
export type SignatureCheck = { ok: true; header: string } | { ok: false; reason: string };

/** Header name -> whether its value carries a "sha256=" prefix. First present wins. */
const SCHEMES: [string, boolean][] = [
  ['x-factory-signature', true],
  ['x-forgejo-signature', false],
  ['x-gitea-signature', false],
  ['x-hub-signature-256', true],
];

/**
 * Checks a webhook's HMAC-SHA256 of the raw body against the shared secret: Forgejo's and
 * Gitea's hex signatures, and the generic `X-Factory-Signature: sha256=<hex>` that a pipeline
 * step or a script can send. Anything unsigned, malformed or wrongly signed is refused with a reason.
 */
export function verifySignature(secret: string, rawBody: string | Uint8Array, headers: Headers): SignatureCheck {
  if (secret === '') return { ok: false, reason: 'no webhook secret configured: every webhook is refused' };
  const lower = new Map(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v] as const),
  );
  const found = SCHEMES.find(([name]) => lower.get(name) !== undefined);
  if (!found) return { ok: false, reason: `unsigned: none of ${SCHEMES.map(([n]) => n).join(', ')} is present` };
  const [name, prefixed] = found;
  let value = String(lower.get(name)).trim();
  if (prefixed) {
    if (!value.toLowerCase().startsWith('sha256=')) return { ok: false, reason: `${name} must read sha256=<hex>` };
    value = value.slice('sha256='.length);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(value))
    return { ok: false, reason: `${name} is not a hex HMAC-SHA256 (64 hex digits)` };
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(value, 'hex')))
    return { ok: false, reason: `${name} does not match the body: wrong secret or altered body` };
  return { ok: true, header: name };
}

/** The header value a sender puts in X-Factory-Signature (tests, the pipeline step, scripts). */
export function signBody(secret: string, rawBody: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
