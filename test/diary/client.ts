/** A cookie-keeping HTTP client for the diary tests: real requests, redirects not followed. */
export interface Answer {
  status: number;
  location: string | null;
  body: string;
  headers: Headers;
}

export class DiaryClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, eq);
      const value = (pair as string).slice(eq + 1);
      if (value === '' || /Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(this.base + path, { redirect: 'manual', headers: { ...this.cookieHeader(), ...headers } });
    this.remember(res);
    return { status: res.status, location: res.headers.get('location'), body: await res.text(), headers: res.headers };
  }

  async post(path: string, form: Record<string, string>): Promise<Answer> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader() },
      body: new URLSearchParams(form).toString(),
    });
    this.remember(res);
    return { status: res.status, location: res.headers.get('location'), body: await res.text(), headers: res.headers };
  }
}

/** The hidden token of a sign-in link's page. */
export function linkTokenOf(page: string): string {
  const m = page.match(/name="token" value="([^"]+)"/);
  if (!m) throw new Error('no sign-in token field on the page');
  return m[1] as string;
}

/** Open a sign-in link as a browser does: the link's page, then its button (a POST of the token). */
export async function openSignInLink(c: DiaryClient, token: string, headers: Record<string, string> = {}): Promise<Answer> {
  const page = await c.get(`/diary/login?token=${token}`, headers);
  if (page.status !== 200) return page;
  return c.post('/diary/login', { csrf: csrfOf(page.body), token: linkTokenOf(page.body) });
}

/** The CSRF token in a page's forms: a hidden field, or the upload form's address (`?csrf=…`). */
export function csrfOf(page: string): string {
  const m = page.match(/name="csrf" value="([^"]+)"|action="[^"]*[?&]csrf=([A-Za-z0-9_-]+)"/);
  if (!m) throw new Error('no CSRF field on the page');
  return (m[1] ?? m[2]) as string;
}
