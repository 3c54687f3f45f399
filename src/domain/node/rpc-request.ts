// The words an SSH key bound to `factoryctl node rpc` may send. The line comes from the network
// (SSH_ORIGINAL_COMMAND): it is split here, by hand, and never reaches a shell.

export type RpcRequest =
  | { verb: 'sync' }
  | { verb: 'status' }
  | { verb: 'logs'; slot: string; lines: number }
  | { verb: 'stop'; slot: string; epoch: number };

/** 77: not something this key may ask (a verb outside the list, a shell); 65: an allowed verb asked wrongly. */
export interface RpcRefusal {
  code: 77 | 65;
  reason: string;
}

export type RpcParse = { ok: true; request: RpcRequest } | { ok: false; refusal: RpcRefusal };

export const RPC_LIMITS = {
  lineBytes: 1024,
  defaultLines: 200,
  maxLines: 5000,
  maxLogBytes: 1024 * 1024,
} as const;

export const RPC_VERBS = ['sync', 'status', 'logs', 'stop'] as const;

/** What a shell would act on: their presence means someone hoped for one. */
const SHELL_META = /[;|&$`><()\n\r"'\\]/;
/** Everything a verb, a flag, a number or a slot ("dev", "dev@owner/name") is made of. */
const WORD = /^[A-Za-z0-9._@/:=+-]+$/;

const refuse = (code: 77 | 65, reason: string): RpcParse => ({ ok: false, refusal: { code, reason } });

/** The request line as sent, or the words given on the command line (local use, tests). */
export function parseRpcLine(line: string): RpcParse {
  if (byteLength(line) > RPC_LIMITS.lineBytes) return refuse(65, `request longer than ${RPC_LIMITS.lineBytes} bytes`);
  if (SHELL_META.test(line)) return refuse(77, 'shell metacharacters: this key runs no shell');
  const words = line.split(/[ \t]+/).filter((w) => w !== '');
  if (words.length === 0) return refuse(77, 'no command: this key opens no shell');
  return parseRpcWords(words);
}

export function parseRpcWords(words: readonly string[]): RpcParse {
  const joined = words.join(' ');
  if (words.some((w) => SHELL_META.test(w))) return refuse(77, 'shell metacharacters: this key runs no shell');
  if (byteLength(joined) > RPC_LIMITS.lineBytes) return refuse(65, `request longer than ${RPC_LIMITS.lineBytes} bytes`);
  const [verb, ...rest] = words;
  if (verb === undefined) return refuse(77, 'no command: this key opens no shell');
  if (!(RPC_VERBS as readonly string[]).includes(verb))
    return refuse(77, `"${printable(verb)}" is not allowed (only ${RPC_VERBS.join(', ')})`);
  const bad = rest.find((w) => !WORD.test(w));
  if (bad !== undefined) return refuse(65, `unexpected characters in "${printable(bad)}"`);
  const args = splitFlags(rest);
  if (!args.ok) return refuse(65, `${verb}: ${args.problem}`);
  const { positionals, flags } = args;
  const allowed = verb === 'logs' ? ['lines'] : verb === 'stop' ? ['epoch'] : [];
  const unknown = Object.keys(flags).find((f) => !allowed.includes(f));
  if (unknown !== undefined) return refuse(65, `${verb}: unknown flag --${unknown}`);
  if (verb === 'sync' || verb === 'status') {
    if (positionals.length > 0) return refuse(65, `${verb} takes no arguments`);
    return { ok: true, request: { verb } };
  }
  if (positionals.length !== 1) return refuse(65, `${verb} takes one slot ("role" or "role@owner/name")`);
  const slot = positionals[0]!;
  if (verb === 'logs') {
    const lines = flags.lines === undefined ? RPC_LIMITS.defaultLines : integer(flags.lines);
    if (lines === undefined || lines < 1 || lines > RPC_LIMITS.maxLines)
      return refuse(65, `logs: --lines is a whole number from 1 to ${RPC_LIMITS.maxLines}`);
    return { ok: true, request: { verb, slot, lines } };
  }
  const epoch = flags.epoch === undefined ? undefined : integer(flags.epoch);
  if (epoch === undefined || epoch < 0) return refuse(65, 'stop: --epoch E (the lease epoch of the asking leader)');
  return { ok: true, request: { verb: 'stop', slot, epoch } };
}

/** `--name value` and `--name=value`; each flag at most once, each with a value. */
function splitFlags(
  words: readonly string[],
): { ok: true; positionals: string[]; flags: Record<string, string> } | { ok: false; problem: string } {
  const positionals: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-')) {
      positionals.push(word);
      continue;
    }
    if (!word.startsWith('--') || word.length < 3) return { ok: false, problem: `unknown flag ${word}` };
    const eq = word.indexOf('=');
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
    const value = eq === -1 ? words[++i] : word.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('-'))
      return { ok: false, problem: `--${name} needs a value` };
    if (name in flags) return { ok: false, problem: `--${name} given twice` };
    flags[name] = value;
  }
  return { ok: true, positionals, flags };
}

const byteLength = (text: string) => new TextEncoder().encode(text).length;

function integer(text: string): number | undefined {
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** For messages and the journal: a refused word is shown, never replayed (bounded, control characters escaped). */
export function printable(text: string, max = 120): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > max ? `${escaped.slice(0, max)}...` : escaped;
}
