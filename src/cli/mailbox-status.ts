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
  const head = m.configured ? `Ящик отказов: ${m.url}` : 'Ящик отказов: не настроен (не задан IMAP_URL)';
  const last = m.last;
  if (!last) return `${head}; ещё не проверялся`;
  const when = ruDateTime(last.checkedAt, tz);
  if (last.outcome === 'not_configured') return `${head}; последняя проверка ${when}: ящик не настроен`;
  if (last.outcome === 'error') return `${head}; последняя проверка ${when} не удалась: ${last.error ?? 'ошибка неизвестна'}`;
  const t = m.totals;
  return [
    `${head}; последняя проверка ${when}: прочитано ${last.fetched}, жёстких отказов ${last.hard}, временных ${last.soft}, отказов по политике ${last.policy}, задержек ${last.delayed}, автоответов ${last.autoReplies}, отписок ${last.unsubscribes}, в Review ${last.review}, адресов заблокировано ${last.suppressed}`,
    `  за все проверки: прочитано ${t.fetched}, жёстких отказов ${t.hard}, временных ${t.soft}, в Review ${t.review}, адресов заблокировано ${t.suppressed}`,
  ].join('\n');
}
