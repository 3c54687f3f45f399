// How assignments.yaml writes a string, shared by its writer (assignments-file.ts) and the gate's
// line scan (assignments-scan.ts). No YAML library here: the gate loads this on every changed file.

// Plain when it cannot be read as anything but this string, in block and in flow context alike:
// starts with a letter, words of safe characters (no `:`, `#`, `,`, brackets) joined by single spaces.
const PLAIN = /^[A-Za-z][\w./@()=+<>-]*(?: [\w./@()=+<>-]+)*$/;
const KEYWORD = /^(?:true|false|null|yes|no|on|off|y|n)$/i;

/** Whether the writer leaves this string plain (unquoted). */
export function isPlainScalar(s: string): boolean {
  return PLAIN.test(s) && !KEYWORD.test(s);
}

/** A string as YAML: plain when safe, else double-quoted (a JSON string is a valid YAML double-quoted scalar). */
export function scalar(s: string): string {
  return isPlainScalar(s) ? s : JSON.stringify(s);
}
