import { z } from 'zod';

/** Where the supervisor reaches a node over SSH: user@host[:port], or host alone (ssh's own defaults apply). */
export interface SshAddress {
  user?: string;
  host: string;
  port?: number;
}

// user: what useradd accepts; host: a DNS name, an IPv4 address, or an IPv6 address in brackets.
const ADDRESS =
  /^(?:([a-z_][a-z0-9._-]{0,31})@)?([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/** The parts of an address, or undefined when it is not one (a port outside 1-65535 is not). */
export function parseSshAddress(text: string): SshAddress | undefined {
  const m = ADDRESS.exec(text);
  if (!m) return undefined;
  const [, user, host, port] = m;
  const out: SshAddress = { host: host!.replace(/^\[(.*)\]$/, '$1') };
  if (user !== undefined) out.user = user;
  if (port !== undefined) {
    out.port = Number(port);
    if (out.port < 1 || out.port > 65535) return undefined;
  }
  return out;
}

export const SshAddressText = z.string().refine((s) => parseSshAddress(s) !== undefined, {
  message: 'an SSH address: user@host, user@host:port or host (an IPv6 address in brackets: ops@[2001:db8::1]:22)',
});
