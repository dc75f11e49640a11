/** The bounce-mailbox part of `status`: configured or not, the last delivery-check, counts. */
import type { App } from '../app.js';
import { type MailboxStatus, mailboxStatus } from '../db/mailbox-checks.js';
import { ruDateTime } from '../domain/formats.js';
import { publicMailboxUrl } from '../mail/mailbox.js';

export interface MailboxStatusView extends MailboxStatus {
  configured: boolean;
  url: string | null;
}

export async function collectMailboxStatus(app: App): Promise<MailboxStatusView> {
  const imap = app.config.env.imapUrl;
  return { configured: imap !== null, url: imap ? publicMailboxUrl(imap) : null, ...(await mailboxStatus(app.pool)) };
}

export function formatMailboxStatus(m: MailboxStatusView, tz: string): string {
  const head = m.configured ? `Bounce mailbox: ${m.url}` : 'Bounce mailbox: not configured (IMAP_URL is not set)';
  const last = m.last;
  if (!last) return `${head}; never checked`;
  const when = ruDateTime(last.checkedAt, tz);
  if (last.outcome === 'not_configured') return `${head}; last check ${when}: mailbox not configured`;
  if (last.outcome === 'error') return `${head}; last check ${when} failed: ${last.error ?? 'unknown error'}`;
  const t = m.totals;
  return [
    `${head}; last check ${when}: ${last.fetched} read, ${last.hard} hard, ${last.soft} soft, ${last.policy} policy, ${last.delayed} delayed, ${last.autoReplies} auto-replies, ${last.unsubscribes} unsubscribes, ${last.review} to Review, ${last.suppressed} suppressed`,
    `  all checks: ${t.fetched} read, ${t.hard} hard, ${t.soft} soft, ${t.review} to Review, ${t.suppressed} addresses suppressed`,
  ].join('\n');
}
