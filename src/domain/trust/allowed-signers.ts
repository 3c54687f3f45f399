// trust/allowed_signers: Git's gpg.ssh.allowedSignersFile format (`principals [options] keytype
// base64 [comment]`, see ssh-keygen(1) ALLOWED SIGNERS), so git and ssh-keygen read the very file
// we do. The role rides in the principal's name: `human:alice`, `node:big`, `supervisor:big`.

export const ALLOWED_SIGNERS_PATH = 'trust/allowed_signers';

export type SignerRole = 'human' | 'node' | 'supervisor';
export const SIGNER_ROLES: readonly SignerRole[] = ['human', 'node', 'supervisor'];

export interface Signer {
  /** the principal as written, e.g. `supervisor:big` */
  principal: string;
  role: SignerRole;
  /** the name after the role: a person, or the node the key belongs to */
  name: string;
  keyType: string;
  line: number;
}

export interface SignersProblem {
  line: number;
  col: number;
  message: string;
}

export interface ParsedSigners {
  signers: Signer[];
  problems: SignersProblem[];
}

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);
const OPTION = /^(cert-authority|namespaces="[^"]*"|valid-after="?\d{8,14}Z?"?|valid-before="?\d{8,14}Z?"?)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ROLE_NAME = /^[a-z0-9][a-z0-9._@-]*$/i;

/** Every signer and every problem, each located to its line and column (1-based). */
export function parseAllowedSigners(text: string): ParsedSigners {
  const signers: Signer[] = [];
  const problems: SignersProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fields = splitFields(raw.replace(/\r$/, ''));
    if (fields.length === 0 || fields[0]!.text.startsWith('#')) return;
    const problem = (col: number, message: string) => problems.push({ line, col, message });
    const [principals, ...rest] = fields;
    let at = 0;
    while (at < rest.length && !KEY_TYPES.has(rest[at]!.text)) {
      if (!OPTION.test(rest[at]!.text)) return problem(rest[at]!.col, `unknown option or key type "${rest[at]!.text}"`);
      at++;
    }
    const keyType = rest[at];
    const key = rest[at + 1];
    if (!keyType) return problem(raw.length + 1, 'missing key type (e.g. ssh-ed25519) and key');
    if (!key || !BASE64.test(key.text)) return problem(key?.col ?? raw.length + 1, 'missing or malformed base64 key');
    let col = principals!.col;
    for (const principal of principals!.text.split(',')) {
      const [role, name, extra] = principal.split(':');
      if (!SIGNER_ROLES.includes(role as SignerRole) || !name || extra !== undefined || !ROLE_NAME.test(name))
        problem(col, `signer "${principal}" has no role: write human:NAME, node:NODE or supervisor:NODE`);
      else signers.push({ principal, role: role as SignerRole, name, keyType: keyType.text, line });
      col += principal.length + 1;
    }
  });
  return { signers, problems };
}

/** Whitespace-separated fields with their 1-based columns; a quoted option value may hold spaces. */
function splitFields(raw: string): { text: string; col: number }[] {
  const fields: { text: string; col: number }[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) fields.push({ text: m[0], col: m.index + 1 });
  return fields;
}
