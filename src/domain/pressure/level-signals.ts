import type { LevelSignals } from '../config/policy-schema.js';
import { isMeasured, type Sample } from './sample.js';

/** One signal of one level read against one sample. */
export interface SignalReading {
  signal: string;
  /** Past its halt threshold. */
  halting: boolean;
  /** Measured and past its resume threshold. */
  resumed: boolean;
  missing: boolean;
  /** A sentence with the figures, e.g. "MemAvailable 1432 MB < 1500 MB". */
  text: string;
}

/** The verdict on one level: halting if ANY signal is, released only if ALL are measured and resumed. */
export interface LevelReading {
  halting: boolean;
  /** Nothing measured says the level is halting, but something is missing: its truth is unknown. */
  unknown: boolean;
  resumed: boolean;
  readings: SignalReading[];
}

const mb = (v: number) => `${Math.round(v)} MB`;
const pct = (v: number) => `${Math.round(v * 10) / 10}%`;
const missing = (signal: string): SignalReading => ({
  signal,
  halting: false,
  resumed: false,
  missing: true,
  text: `${signal} not measured`,
});

export function readLevel(
  signals: LevelSignals | undefined,
  sample: Sample | undefined,
  mounts: readonly string[],
): LevelReading {
  const readings: SignalReading[] = [];
  const s = signals ?? {};
  if (s.memAvailableMb) {
    const t = s.memAvailableMb;
    const v = sample?.memAvailableMb;
    if (!isMeasured(v)) readings.push(missing('MemAvailable'));
    else if (v < t.halt)
      readings.push({
        signal: 'MemAvailable',
        halting: true,
        resumed: false,
        missing: false,
        text: `MemAvailable ${mb(v)} < ${mb(t.halt)}`,
      });
    else if (v >= t.resume)
      readings.push({
        signal: 'MemAvailable',
        halting: false,
        resumed: true,
        missing: false,
        text: `MemAvailable ${mb(v)} >= ${mb(t.resume)}`,
      });
    else
      readings.push({
        signal: 'MemAvailable',
        halting: false,
        resumed: false,
        missing: false,
        text: `MemAvailable ${mb(v)}, not yet back to ${mb(t.resume)}`,
      });
  }
  if (s.swapUsedMb) {
    const t = s.swapUsedMb;
    const swap = sample?.swapUsedMb;
    const mem = sample?.memAvailableMb;
    const guarded = t.whenMemAvailableBelowMb !== undefined;
    const memOk = t.resumeWhenMemAvailableAboveMb ?? t.whenMemAvailableBelowMb;
    if (!isMeasured(swap) || (guarded && !isMeasured(mem))) readings.push(missing('swap'));
    else {
      const memLow = !guarded || (mem as number) < t.whenMemAvailableBelowMb!;
      const memFigure = guarded ? ` with MemAvailable ${mb(mem as number)}` : '';
      if (swap > t.halt && memLow) {
        const text = `swap used ${mb(swap)} > ${mb(t.halt)}${guarded ? `${memFigure} < ${mb(t.whenMemAvailableBelowMb!)}` : ''}`;
        readings.push({ signal: 'swap', halting: true, resumed: false, missing: false, text });
      } else if (swap <= t.resume)
        readings.push({
          signal: 'swap',
          halting: false,
          resumed: true,
          missing: false,
          text: `swap used ${mb(swap)} <= ${mb(t.resume)}`,
        });
      else if (memOk !== undefined && (mem as number) >= memOk) {
        readings.push({
          signal: 'swap',
          halting: false,
          resumed: true,
          missing: false,
          text: `MemAvailable ${mb(mem as number)} >= ${mb(memOk)} despite swap used ${mb(swap)}`,
        });
      } else
        readings.push({
          signal: 'swap',
          halting: false,
          resumed: false,
          missing: false,
          text: `swap used ${mb(swap)}${memFigure}, not yet back to ${mb(t.resume)}`,
        });
    }
  }
  if (s.diskUsedPercent) {
    const t = s.diskUsedPercent;
    for (const mount of mounts) {
      const disk = sample?.disks.find((d) => d.mount === mount);
      const signal = `disk ${mount}`;
      if (!disk || !isMeasured(disk.usedPercent)) readings.push(missing(signal));
      else if (disk.usedPercent > t.halt)
        readings.push({
          signal,
          halting: true,
          resumed: false,
          missing: false,
          text: `disk ${mount} ${pct(disk.usedPercent)} used > ${pct(t.halt)}`,
        });
      else if (disk.usedPercent <= t.resume)
        readings.push({
          signal,
          halting: false,
          resumed: true,
          missing: false,
          text: `disk ${mount} ${pct(disk.usedPercent)} used <= ${pct(t.resume)}`,
        });
      else
        readings.push({
          signal,
          halting: false,
          resumed: false,
          missing: false,
          text: `disk ${mount} ${pct(disk.usedPercent)} used, not yet back to ${pct(t.resume)}`,
        });
    }
  }
  if (s.load1PerCore) {
    const t = s.load1PerCore;
    const v =
      sample && isMeasured(sample.load1) && isMeasured(sample.cores) && sample.cores > 0
        ? sample.load1 / sample.cores
        : undefined;
    const f = (x: number) => x.toFixed(2);
    if (v === undefined) readings.push(missing('load'));
    else if (v > t.halt)
      readings.push({
        signal: 'load',
        halting: true,
        resumed: false,
        missing: false,
        text: `load ${f(v)} per core > ${f(t.halt)}`,
      });
    else if (v <= t.resume)
      readings.push({
        signal: 'load',
        halting: false,
        resumed: true,
        missing: false,
        text: `load ${f(v)} per core <= ${f(t.resume)}`,
      });
    else
      readings.push({
        signal: 'load',
        halting: false,
        resumed: false,
        missing: false,
        text: `load ${f(v)} per core, not yet back to ${f(t.resume)}`,
      });
  }
  const halting = readings.some((r) => r.halting);
  return {
    halting,
    unknown: !halting && readings.some((r) => r.missing),
    resumed: readings.every((r) => r.resumed),
    readings,
  };
}
