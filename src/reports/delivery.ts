/**
 * «Контроль доставки писем» for a month: per mailing how many messages were selected, sent,
 * bounced (hard / soft), failed, of unknown fate, unsubscribed through them, clicked by
 * people and by bots; then the bad addresses with client, contact and remote specialist, so
 * the specialist can ask for a working address.
 */
import { monthOfYear } from '../domain/ru.js';
import { monthOption } from './month-option.js';
import type { ReportDefinition, ReportRow } from './types.js';

/** The mailings of a month: `$1` the period, `$2`–`$3` its instants (a mailing created in the month counts too). */
export const MAILINGS_OF_MONTH = `(ml.period = $1 OR (ml.created_at >= $2 AND ml.created_at < $3))`;

const COUNTS = ['selected', 'sent', 'hard', 'soft', 'failed', 'unknown', 'unsubscribed', 'clicked_people', 'clicked_bots'] as const;

export const deliveryReport: ReportDefinition = {
  name: 'delivery',
  title: 'Контроль доставки писем',
  description: 'delivery of the month’s mailings: sent, bounced, unsubscribed, clicked; the bad addresses',
  usage: 'report delivery [--period YYYY-MM]',
  options: { period: { type: 'string' } },
  async build(app, values) {
    const month = monthOption(values.period, app.config.ric.timeZone);
    const params = [month.period, month.from, month.to];
    const { rows: mailings } = await app.pool.query<ReportRow>(
      `SELECT ml.subject AS mailing, ml.period,
              count(*)::int AS selected,
              count(*) FILTER (WHERE m.sent_at IS NOT NULL OR m.state IN ('sent', 'bounced'))::int AS sent,
              count(*) FILTER (WHERE m.bounce_kind = 'hard')::int AS hard,
              count(*) FILTER (WHERE m.bounce_kind = 'soft')::int AS soft,
              count(*) FILTER (WHERE m.state = 'failed')::int AS failed,
              count(*) FILTER (WHERE m.state = 'unknown')::int AS unknown,
              count(*) FILTER (WHERE m.unsubscribed_at IS NOT NULL)::int AS unsubscribed,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM clicks c WHERE c.message_id = m.id AND c.is_bot = false))::int AS clicked_people,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM clicks c WHERE c.message_id = m.id AND c.is_bot = true))::int AS clicked_bots
         FROM mailings ml JOIN messages m ON m.mailing_id = ml.id
        WHERE ${MAILINGS_OF_MONTH}
        GROUP BY ml.id ORDER BY ml.created_at, ml.id`,
      params,
    );
    const { rows: bad } = await app.pool.query<ReportRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (m.contact_id, lower(m.to_email))
                cl.number || ' - ' || cl.name AS client, k.full_name AS contact, m.to_email AS email,
                CASE m.bounce_kind WHEN 'hard' THEN 'Жёсткий отказ' ELSE 'Временный отказ' END AS kind,
                CASE WHEN k.suppressed_at IS NOT NULL AND lower(k.email) = lower(m.to_email) THEN 'Да' ELSE 'Нет' END AS suppressed,
                b.status, b.diagnostic, e.name AS remote, m.bounced_at, cl.number AS client_number
           FROM messages m
           JOIN mailings ml ON ml.id = m.mailing_id
           JOIN contacts k ON k.id = m.contact_id
           JOIN clients cl ON cl.id = m.client_id
           LEFT JOIN employees e ON e.id = cl.remote_specialist_id
           LEFT JOIN LATERAL (SELECT status, diagnostic FROM bounce_events WHERE message_id = m.id AND kind <> 'delayed'
                               ORDER BY id DESC LIMIT 1) b ON true
          WHERE ${MAILINGS_OF_MONTH} AND m.bounce_kind IS NOT NULL
          ORDER BY m.contact_id, lower(m.to_email), (m.bounce_kind = 'hard') DESC, m.bounced_at DESC
       ) x ORDER BY client_number, contact`,
      params,
    );
    // Messages that never left (e.g. a Cyrillic address and a server without SMTPUTF8), with why.
    const { rows: failed } = await app.pool.query<ReportRow>(
      `SELECT cl.number || ' - ' || cl.name AS client, k.full_name AS contact, m.to_email AS email,
              coalesce(m.error, m.smtp_response) AS reason, e.name AS remote
         FROM messages m
         JOIN mailings ml ON ml.id = m.mailing_id
         JOIN contacts k ON k.id = m.contact_id
         JOIN clients cl ON cl.id = m.client_id
         LEFT JOIN employees e ON e.id = cl.remote_specialist_id
        WHERE ${MAILINGS_OF_MONTH} AND m.state = 'failed'
        ORDER BY cl.number, k.full_name`,
      params,
    );
    const totals: ReportRow = { mailing: `Итого: (${mailings.length})` };
    for (const k of COUNTS) totals[k] = mailings.reduce((s, r) => s + Number(r[k] ?? 0), 0);
    return {
      name: 'delivery',
      title: 'Контроль доставки писем',
      subtitle: `${monthOfYear(month.period)}, ${app.config.ric.code}`,
      sections: [
        {
          title: 'Рассылки',
          columns: [
            { key: 'mailing', header: 'Рассылка' },
            { key: 'period', header: 'Период' },
            { key: 'selected', header: 'Отобрано', type: 'int' },
            { key: 'sent', header: 'Отправлено', type: 'int' },
            { key: 'hard', header: 'Не доставлено (адрес)', type: 'int' },
            { key: 'soft', header: 'Не доставлено (временно)', type: 'int' },
            { key: 'failed', header: 'Ошибка отправки', type: 'int' },
            { key: 'unknown', header: 'Не известно', type: 'int' },
            { key: 'unsubscribed', header: 'Отписались', type: 'int' },
            { key: 'clicked_people', header: 'Перешли по ссылкам', type: 'int' },
            { key: 'clicked_bots', header: 'Переходы сканеров', type: 'int' },
          ],
          rows: mailings,
          totals,
        },
        {
          title: 'Недоставленные письма: адреса',
          columns: [
            { key: 'client', header: 'Клиент' },
            { key: 'contact', header: 'Контактное лицо' },
            { key: 'email', header: 'E-mail' },
            { key: 'kind', header: 'Отказ' },
            { key: 'status', header: 'Код' },
            { key: 'diagnostic', header: 'Ответ сервера' },
            { key: 'suppressed', header: 'Исключён из рассылок' },
            { key: 'bounced_at', header: 'Дата', type: 'datetime' },
            { key: 'remote', header: 'Ответственный (ДИС)' },
          ],
          rows: bad,
          totals: { client: `Итого: (${bad.length})` },
        },
        {
          title: 'Письма, которые не удалось отправить',
          columns: [
            { key: 'client', header: 'Клиент' },
            { key: 'contact', header: 'Контактное лицо' },
            { key: 'email', header: 'E-mail' },
            { key: 'reason', header: 'Причина' },
            { key: 'remote', header: 'Ответственный (ДИС)' },
          ],
          rows: failed,
          totals: { client: `Итого: (${failed.length})` },
        },
      ],
    };
  },
};
