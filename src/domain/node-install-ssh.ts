// The authorized_keys line that binds the supervisor's key to `factoryctl node rpc`: `restrict`
// takes away the pty, every forwarding, the agent, X11 and ~/.ssh/rc; `command=` replaces
// whatever the client asks with the rpc, which reads the request from SSH_ORIGINAL_COMMAND.

export interface SshKeySpec {
  /** The public key as given: "type base64 [comment]" (no options). */
  key: string;
  /** Addresses the key is accepted from (from="..."): hosts, patterns, CIDR. */
  from: string[];
  controlDir: string;
  node: string;
  nodeBin: string;
  cli: string;
  /** FACTORY_RUN_DIR / FACTORY_STATE_DIR the daemon runs with: the rpc must find the same run directory. */
  env: Record<string, string>;
}

const KEY_TYPES =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
const BLOB = /^[A-Za-z0-9+/]+={0,3}$/;
const FROM_ITEM = /^!?[A-Za-z0-9.:/*?_-]+$/;
/** The marker in the key's comment field: the line `--write` replaces, whatever the key was called. */
export const RPC_KEY_MARK = 'factoryctl-node-rpc';

export type KeyLine = { ok: true; line: string; blob: string } | { ok: false; problem: string };

export function rpcAuthorizedKeyLine(s: SshKeySpec): KeyLine {
  const words = s.key.trim().split(/\s+/);
  const [type, blob] = words;
  if (words.length < 2 || !KEY_TYPES.test(type!) || !BLOB.test(blob!))
    return { ok: false, problem: 'not a public key ("ssh-ed25519 AAAA... comment", without options)' };
  const bad = s.from.find((f) => !FROM_ITEM.test(f));
  if (bad !== undefined) return { ok: false, problem: `--from: "${bad}" is not a host, pattern or CIDR` };
  const words2 = [
    ...(Object.keys(s.env).length > 0 ? ['/usr/bin/env', ...Object.entries(s.env).map(([k, v]) => `${k}=${v}`)] : []),
    s.nodeBin,
    s.cli,
    '--dir',
    s.controlDir,
    '--node',
    s.node,
    'node',
    'rpc',
  ];
  // sshd hands command="..." to the user's shell: each word is quoted for it, and the option's own quotes kept out.
  const unsafe = words2.find((w) => /["'\\\n\r\0]/.test(w) || w === '');
  if (unsafe !== undefined) return { ok: false, problem: `cannot put "${unsafe}" in an authorized_keys command` };
  const command = words2.map(shellWord).join(' ');
  const options = ['restrict', ...(s.from.length > 0 ? [`from="${s.from.join(',')}"`] : []), `command="${command}"`];
  return { ok: true, line: `${options.join(',')} ${type} ${blob} ${RPC_KEY_MARK}@${s.node}`, blob: blob! };
}

/**
 * authorized_keys with our line in place of any line for the same key (sshd takes the first
 * line matching a key: an unrestricted copy of it must go) or with our mark for this node;
 * every other line kept as it was.
 */
export function replaceRpcKeyLine(current: string, line: string, blob: string, node: string): string {
  const lines = current === '' ? [] : current.replace(/\n$/, '').split('\n');
  const ours = (l: string) => l.includes(` ${blob}`) || l.trimEnd().endsWith(` ${RPC_KEY_MARK}@${node}`);
  const at = lines.findIndex(ours);
  const kept = lines.filter((l) => !ours(l));
  kept.splice(at === -1 ? kept.length : at, 0, line);
  return `${kept.join('\n')}\n`;
}

const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
