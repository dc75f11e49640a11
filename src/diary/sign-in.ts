/** Issuing an employee's sign-in token for the diary (the admin command, the demo's `--serve`). */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { replaceEmployeeToken } from '../db/diary-auth.js';
import { withTransaction } from '../db/pool.js';
import { newToken, signInUrl, tokenHash } from './tokens.js';

export interface IssuedToken {
  token: string;
  /** `PUBLIC_BASE_URL/diary/login?token=…`: opening it signs the employee in. */
  url: string;
  issuedAt: Date;
}

/** A new sign-in token for the employee; the previous one and their open sessions stop working. */
export async function issueSignInToken(app: App, employeeId: number): Promise<IssuedToken> {
  const token = newToken();
  const issuedAt = now();
  await withTransaction(app.pool, (db) => replaceEmployeeToken(db, employeeId, tokenHash(token), issuedAt));
  return { token, url: signInUrl(app.config.env.publicBaseUrl, token), issuedAt };
}
