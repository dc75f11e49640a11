/**
 * The pino root logger. JSON lines; e-mail addresses and phone numbers are scrubbed from
 * every message and every string field before a line is written, so no personal contact
 * data reaches the logs whatever a caller passes.
 */
import { type Logger, pino } from 'pino';

export type { Logger };

const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+/gu;
// +7 / 8 followed by ten digits in the usual groupings: 8-906-600-50-06, +7 (962) 300-82-52, 79623008252.
const PHONE = /(?<![\d.])(?:\+7|7|8)[\s\-(]*\d{3}[\s\-)]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?![\d.])/g;

export function scrub(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, '[phone]');
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message), stack: value.stack ? scrub(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, depth + 1);
  return out;
}

/** Logs go to stdout (the service), to fd 2 (the admin script, whose stdout is its output), or to a stream. */
export function createLogger(level: string, dest: 1 | 2 | pino.DestinationStream = 1): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (obj) => scrubValue(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    // Synchronous writes: a line logged just before process.exit is never lost.
    typeof dest === 'number' ? pino.destination({ dest, sync: true }) : dest,
  );
}
