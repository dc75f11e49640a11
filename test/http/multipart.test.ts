/**
 * Multipart bodies only where they belong: the content upload (`POST /diary/content/<YYYY-MM>`)
 * parses one, after the session and the CSRF token (in the form's address) are checked and
 * within its own limit; every other route refuses one with 415 without reading it. Each
 * request here declares a 25 MB body but sends only its first 64 KB and waits for the answer:
 * a route that read the body first would never answer. The unsubscribe address is the one
 * other route that reads any body (RFC 8058's one-click POST may be multipart), at most 8 KB.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/http/server.js';
import { DiaryClient, openSignInLink } from '../diary/client.js';
import { type DiaryDesk, openDiaryDesk } from '../diary/fixtures.js';
import { ADMIN_TOKEN } from '../helpers/env.js';
import { peakGrowth } from '../helpers/zip.js';
import { cli } from '../imports/helpers.js';

const MB = 1024 * 1024;
const DECLARED = 25 * MB;
const BOUNDARY = '----cg-boundary';
/** The start of a multipart body whose one file part runs on for as long as the sender likes. */
const HEAD = Buffer.from(
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="content.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
);
/** Routes a multipart body may reach: the upload (after its checks) and the one-click unsubscribe. */
const TAKES_MULTIPART = new Set(['/diary/content/:period', '/u/:token', '/u/*']);

let desk: DiaryDesk;
let base: string;
let cookie: string;

beforeAll(async () => {
  desk = await openDiaryDesk();
  base = desk.base;
  const res = await cli(desk.t, 'employee', 'token', 'Фисун Екатерина Александровна', '--json');
  expect(res.code, res.err).toBe(0);
  const c = new DiaryClient(base);
  expect((await openSignInLink(c, JSON.parse(res.out).token)).status).toBe(303);
  cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}, 120_000);
afterAll(() => desk?.close());

/**
 * A multipart request declaring `declared` bytes; `send` of them go out (in 1 MB pieces) and the
 * answer is awaited — with `whole`, also the rest of the body, as far as the server takes it.
 * Resolves with the status; rejects naming the request if no answer comes.
 */
function multipart(
  method: string,
  path: string,
  headers: Record<string, string>,
  send: number,
  opts: { declared?: number; whole?: boolean } = {},
): Promise<number> {
  const declared = opts.declared ?? DECLARED;
  return new Promise((resolve, reject) => {
    let status: number | null = null;
    let written = false;
    const finish = () => {
      if (status === null || (opts.whole && !written)) return;
      clearTimeout(deadline);
      req.destroy();
      resolve(status);
    };
    const deadline = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${path}: no answer after ${send} of ${declared} bytes (is the body read first?)`));
    }, 30_000);
    const req = request(
      base + path,
      {
        method,
        agent: false,
        headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(declared) },
      },
      (res) => {
        res.resume();
        status = res.statusCode ?? 0;
        finish();
      },
    );
    // The server may close the connection once it has answered: what is left cannot be sent.
    req.on('error', () => {
      written = true;
      finish();
    });
    req.write(HEAD);
    const piece = Buffer.alloc(MB, 0x41);
    let sent = HEAD.length;
    const more = () => {
      while (sent < send) {
        const n = Math.min(piece.length, send - sent);
        sent += n;
        if (!req.write(piece.subarray(0, n))) return req.once('drain', more);
      }
      written = true;
      finish();
    };
    more();
  });
}

const credentials = (path: string): Record<string, string> =>
  path.startsWith('/diary')
    ? { cookie }
    : path.startsWith('/api/') || path.startsWith('/admin/')
      ? { authorization: `Bearer ${ADMIN_TOKEN}` }
      : {};

function pathOf(url: string): string {
  return url
    .replace(/:(id|number)\b/g, '1')
    .replace(/:period\b/g, '2024-06')
    .replace(/:[A-Za-z]+/g, 'x')
    .replace(/\*$/, 'x');
}

describe('multipart bodies', () => {
  it('are refused with 415, unread, by every route but the upload', async () => {
    const tried: string[] = [];
    for (const r of registeredRoutes(desk.server)) {
      if (TAKES_MULTIPART.has(r.url)) continue;
      for (const method of r.methods) {
        if (['GET', 'HEAD', 'TRACE', 'CONNECT'].includes(method)) continue;
        const path = pathOf(r.url);
        const status = await multipart(method, path, credentials(path), 64 * 1024);
        tried.push(`${method} ${r.url}`);
        // Methods Fastify reads no body of (e.g. COPY on a catch-all route) are answered unread too.
        if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) expect(status, `${method} ${path}`).toBe(415);
        else expect(status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      }
    }
    // The diary's forms, the API, the board and the ack link were among them.
    for (const route of [
      'POST /diary/login',
      'POST /diary/logout',
      'POST /diary/tasks/:id/outcome',
      'POST /api/findings',
      'POST /a/:token',
    ])
      expect(tried, route).toContain(route);
  });

  it('of 25 MB sent whole to the three forms of the finding leave memory where it was', async () => {
    const { result, peakBytes } = await peakGrowth(async () => {
      const statuses: number[] = [];
      for (const path of ['/diary/login', '/diary/logout', '/diary/tasks/1/outcome'])
        statuses.push(await multipart('POST', path, { cookie }, DECLARED, { whole: true }));
      return statuses;
    });
    expect(result).toEqual([415, 415, 415]);
    // Three bodies of 25 MB went in; had they been buffered, this would be 75 MB or more.
    expect(peakBytes).toBeLessThan(16 * MB);
  });

  it('reach the upload only after its checks: no session, a forged token, over the limit', async () => {
    // No session: refused before the body.
    expect(await multipart('POST', '/diary/content/2024-06', {}, 64 * 1024)).toBe(403);
    // A session but a forged (or no) CSRF token in the address.
    expect(await multipart('POST', '/diary/content/2024-06?csrf=forged', { cookie }, 64 * 1024)).toBe(403);
    expect(await multipart('POST', '/diary/content/2024-06', { cookie }, 64 * 1024)).toBe(403);
    // The right token, but a body over the upload's own limit: refused from its declared length.
    const page = await fetch(`${base}/diary/content/2024-06`, { headers: { cookie } });
    const csrf = (await page.text()).match(/[?&]csrf=([A-Za-z0-9_-]+)/)?.[1];
    expect(csrf).toBeDefined();
    const status = await multipart('POST', `/diary/content/2024-06?csrf=${csrf}`, { cookie }, 64 * 1024, { declared: 26 * MB });
    expect(status).toBe(413);
  });
});
