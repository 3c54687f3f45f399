/**
 * NAME=value lines of an env file kept outside the control repo (systemd EnvironmentFile and
 * docker --env-file style): `#` comments, optional `export `, optional single or double quotes.
 */
export function parseEnvFile(text: string): { values: Map<string, string>; bad: number[] } {
  const values = new Map<string, string>();
  const bad: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) {
      bad.push(i + 1);
      return;
    }
    values.set(m[1]!, unquote(m[2]!));
  });
  return { values, bad };
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"'))
    return v.slice(1, -1).replace(/\\(["\\$`n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return v.replace(/\s+#.*$/, '');
}

/** `export NAME='value'` lines a POSIX shell can eval, whatever the value holds. */
export function renderExports(vars: [string, string][]): string {
  return vars.map(([name, value]) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`).join('\n');
}

/** ~/ and $VAR/ at the start of an env file path, from the given environment. */
export function expandPath(path: string, env: Record<string, string | undefined>): string | undefined {
  if (path.startsWith('~/')) return env.HOME ? `${env.HOME}${path.slice(1)}` : undefined;
  const m = /^\$([A-Z_][A-Z0-9_]*)(\/.*)$/.exec(path);
  if (m) return env[m[1]!] ? `${env[m[1]!]}${m[2]}` : undefined;
  return path;
}

/**
 * The repository's environment: the configured variables (FACTORY_REPO and the factory's mapped
 * names, the repository's vars; default just FACTORY_REPO), then every variable it names from the
 * caller's environment or else the env file, plus everything else the env file sets. Missing
 * names are returned, not guessed.
 */
export function repoEnvironment(
  slug: string,
  names: string[],
  file: Map<string, string> | undefined,
  env: Record<string, string | undefined>,
  configured: [string, string][] = [['FACTORY_REPO', slug]],
): { vars: [string, string][]; missing: string[] } {
  const out = new Map<string, string>(configured);
  const missing: string[] = [];
  for (const name of names) {
    const value = env[name] ?? file?.get(name);
    if (value === undefined) missing.push(name);
    else out.set(name, value);
  }
  for (const [name, value] of file ?? []) if (!out.has(name)) out.set(name, value);
  return { vars: [...out], missing };
}
