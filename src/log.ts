/**
 * The pino root logger. JSON lines; one scrubber ({@link scrub}) runs over every message and
 * every string field before a line is written — passwords in URLs, every kind of token
 * (tracking links, diary sign-in and session tokens, Bearer/Basic credentials; VERP and
 * Message-ID signatures go with their addresses), e-mail addresses and phone numbers — and
 * pino's `redact` drops fields that are secrets by name, so neither personal contact data nor
 * a credential reaches the logs whatever a caller passes.
 */
import { type Logger, pino } from 'pino';

export type { Logger };

// `scheme://user:password@host` with any host, dotted or not (`redis://u:p@redis:6379`).
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]*@/gi;
// Tracking links `/c/<token>`, `/u/<token>`, `/a/<token>`, whole or relative.
const LINK_TOKEN = /(\/[cua]\/)[0-9a-z]+-[A-Za-z0-9_-]+/g;
// A tracking token on its own: base-36 ids, then a 16-character signature with an upper-case letter, digit or _.
const BARE_TOKEN = /(?<![\w-])[0-9a-z]{1,12}(?:-[0-9a-z]{1,12})?-(?=[A-Za-z0-9_-]*[A-Z0-9_])[A-Za-z0-9_-]{16}(?![\w-])/g;
// Diary sign-in and session tokens (32 random bytes, base64url), in a query string or anywhere.
const QUERY_TOKEN = /([?&;]token=)[^&\s"'#]+/gi;
const RANDOM_TOKEN = /(?<![\w-])[A-Za-z0-9_-]{43}(?![\w-])/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// The local part stops at brackets, so `user:[redacted]@host` stays a URL, not an address.
const EMAIL = /[^\s@<>"'(),;:[\]]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+/gu;
// +7 / 7 / 8 and ten digits in any grouping of spaces, dashes and brackets: 8-906-600-50-06,
// +7 (962) 300-82-52, 79623008252, 8 (4722) 33-44-55, 8-4722-33-44-55, 8(4722)334455.
const PHONE = /(?<![\d.])(?:\+7|7|8)(?:[ \t\-()]*\d){10}(?![\d.])/g;
// A city number with its code in brackets and no prefix: (4722) 33-44-55.
const CITY_PHONE = /\(\d{3,5}\)[ \t-]*\d{1,3}(?:[ \t-]*\d{2}){2}(?!\d)/g;
// Any country's number in international form: + and 8 to 15 digits in any grouping
// (+375 29 123-45-67, +49 30 1234567, +44 20 7946 0958); `+03:00` of a time is too short.
const INTL_PHONE = /(?<![\w+])\+\d(?:[ \t\-().]*\d){7,14}(?![\d])/g;
// A local number without its code: 33-44-55, 2-33-44-55, 333-44-55 (dates have four-digit years).
const LOCAL_PHONE = /(?<![\w.-])\d{1,3}(?:-\d{2}){2,3}(?![\w-])/g;
// An address at a host without dots: root@localhost, postmaster@mailhost.
const LOCAL_EMAIL = /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z][A-Za-z0-9-]*(?![\w.@-])/g;

/** The one scrubber of everything logged (see the module comment). */
export function scrub(text: string): string {
  return text
    .replace(URL_PASSWORD, '$1:[redacted]@')
    .replace(AUTH_HEADER, '$1 [token]')
    .replace(QUERY_TOKEN, '$1[token]')
    .replace(LINK_TOKEN, '$1[token]')
    .replace(EMAIL, '[email]')
    .replace(LOCAL_EMAIL, '[email]')
    .replace(BARE_TOKEN, '[token]')
    .replace(RANDOM_TOKEN, '[token]')
    .replace(PHONE, '[phone]')
    .replace(INTL_PHONE, '[phone]')
    .replace(CITY_PHONE, '[phone]')
    .replace(LOCAL_PHONE, '[phone]');
}

/** Fields that are secrets by name, at the top level or one below (pino's redact paths). */
const SECRET_KEYS = ['password', 'pass', 'token', 'secret', 'trackingSecret', 'adminToken', 'metricsToken', 'authorization', 'cookie'];
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

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
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
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
