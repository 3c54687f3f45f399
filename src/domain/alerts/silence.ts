// Alertmanager's silences: an active silence that matches an alert keeps it from being sent.
import type { Silence } from '../config/alerts-file-schema.js';

export interface Labelled {
  fingerprint: string;
  name: string;
  labels: Readonly<Record<string, string>>;
}

export function silenceMatches(s: Silence, a: Labelled): boolean {
  if (s.fingerprint !== undefined && s.fingerprint !== a.fingerprint) return false;
  const all: Record<string, string> = { ...a.labels, alertname: a.name };
  return Object.entries(s.matchers ?? {}).every(([k, v]) => all[k] === v);
}

export function activeSilence(silences: readonly Silence[], a: Labelled, now: number): Silence | undefined {
  return silences.find((s) => Date.parse(s.until) > now && silenceMatches(s, a));
}

/** Expired silences are dropped from the file. */
export function liveSilences(silences: readonly Silence[], now: number): Silence[] {
  return silences.filter((s) => Date.parse(s.until) > now);
}

/** `node=vps-2,alertname=disk-forecast` -> matchers; a 16-hex-digit word is a fingerprint. */
export function parseSilenceTarget(
  text: string,
): { fingerprint: string } | { matchers: Record<string, string> } | string {
  if (/^[0-9a-f]{16}$/.test(text)) return { fingerprint: text };
  const matchers: Record<string, string> = {};
  for (const part of text.split(',')) {
    const m = /^([A-Za-z_][A-Za-z0-9_./-]*)=(.+)$/.exec(part.trim());
    if (!m) return `not a fingerprint (16 hex digits) nor matchers label=value[,label=value]: ${JSON.stringify(text)}`;
    matchers[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return { matchers };
}
