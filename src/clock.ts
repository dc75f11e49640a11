/**
 * The only source of "now". Everything that needs the current time calls `now()`; tests,
 * the demo and the admin script's `--now` move it with `setClock()`. A set clock keeps
 * running from the given instant unless frozen, so durations and timeouts stay real.
 */
import { performance } from 'node:perf_hooks';

interface Override {
  at: number;
  setAt: number;
  /** System time (epoch ms) when set: maps another library's timestamps onto this clock. */
  setWall: number;
  frozen: boolean;
}

let override: Override | null = null;

export function now(): Date {
  if (!override) return new Date();
  return new Date(override.frozen ? override.at : override.at + (performance.now() - override.setAt));
}

/** Set the clock to `at` (null restores the system time). */
export function setClock(at: Date | null, opts: { frozen?: boolean } = {}): void {
  override = at ? { at: at.getTime(), setAt: performance.now(), setWall: Date.now(), frozen: opts.frozen ?? false } : null;
}

/**
 * A system-time instant handed over by a library (node-cron's fire time) on this clock: itself
 * when the clock is not set; otherwise the same distance from the moment the clock was set (or
 * the frozen instant), so a tick under a set clock falls in the clock's period.
 */
export function fromSystemTime(d: Date): Date {
  if (!override) return d;
  return new Date(override.frozen ? override.at : override.at + (d.getTime() - override.setWall));
}

/** Move the clock forward by `ms` (the demo's "a few working days later"). */
export function advanceClock(ms: number): void {
  const current = now();
  setClock(new Date(current.getTime() + ms), { frozen: override?.frozen ?? false });
}

export function isClockSet(): boolean {
  return override !== null;
}
