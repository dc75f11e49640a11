/**
 * «Анализ переходов подписчиков по ссылкам из рассылки» for a month: clicks on tracked links
 * by mailing → article → date → client → contact → e-mail → position, a column per link
 * domain and a total. People's clicks only (click-check's verdict); `--include-bots` counts
 * every click, scanners and not yet checked ones included.
 */
import { countUnclassified } from '../db/clicks.js';
import { ruDate } from '../domain/formats.js';
import { monthOfYear } from '../domain/ru.js';
import { type ClickPath, clickTreeRows, clickTreeTotals, domainsOf, linkDomain } from './click-tree.js';
import { monthOption } from './month-option.js';
import type { ReportColumn, ReportDefinition } from './types.js';

const LEVELS = ['Рассылка', 'Статья', 'Дата перехода', 'Клиент', 'Контактное лицо', 'Email', 'Должность КЛ'] as const;

interface ClickRow {
  subject: string;
  title: string | null;
  url: string;
  day: string;
  number: number;
  client: string;
  full_name: string;
  email: string;
  position: string | null;
}

export const clicksReport: ReportDefinition = {
  name: 'clicks',
  title: 'Анализ переходов подписчиков по ссылкам из рассылки',
  description: 'clicks on the links of mailings by mailing, article, date, client, contact',
  usage: 'report clicks [--period YYYY-MM] [--include-bots]',
  options: { period: { type: 'string' }, 'include-bots': { type: 'boolean' } },
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const month = monthOption(values.period, tz);
    const includeBots = values['include-bots'] === true;
    const { rows } = await app.pool.query<ClickRow>(
      `SELECT ml.subject, l.title, l.url, to_char(c.clicked_at AT TIME ZONE $4, 'YYYY-MM-DD') AS day,
              cl.number, cl.name AS client, k.full_name, m.to_email AS email, k.position
         FROM clicks c
         JOIN messages m ON m.id = c.message_id
         JOIN mailings ml ON ml.id = m.mailing_id
         JOIN links l ON l.id = c.link_id
         JOIN contacts k ON k.id = m.contact_id
         JOIN clients cl ON cl.id = m.client_id
        WHERE c.clicked_at >= $1 AND c.clicked_at < $2 AND ($3 OR c.is_bot = false)
        ORDER BY ml.id, l.position, l.title NULLS LAST, day, cl.number, k.full_name, m.to_email, c.id`,
      [month.from, month.to, includeBots, tz],
    );
    const paths: ClickPath[] = rows.map((r) => ({
      levels: [
        r.subject,
        r.title ?? '<Статья = ПУСТО>',
        ruDate(r.day),
        `${r.number} - ${r.client}`,
        r.full_name,
        r.email,
        r.position ?? '<Должность = ПУСТО>',
      ],
      domain: linkDomain(r.url),
    }));
    const domains = domainsOf(paths);
    const columns: ReportColumn[] = [
      { key: 'label', header: 'Описание' },
      { key: 'level', header: 'Разрез' },
      ...domains.map((d, i) => ({ key: `d${i}`, header: d, type: 'int' as const })),
      { key: 'total', header: 'Итого', type: 'int' },
    ];
    const notes: string[] = [];
    if (!includeBots) {
      const pending = await countUnclassified(app.pool, month.from, month.to);
      notes.push('Учтены переходы людей; переходы программ-сканеров исключены (с отметкой «С переходами роботов» — все).');
      if (pending) notes.push(`Ещё не проверено переходов: ${pending} (их учтёт следующий запуск click-check).`);
    }
    return {
      name: 'clicks',
      title: 'Анализ переходов подписчиков по ссылкам из рассылки',
      subtitle: `${monthOfYear(month.period)}, ${app.config.ric.code}${includeBots ? ', все переходы' : ''}`,
      sections: [
        {
          title: 'Количество переходов',
          columns,
          rows: clickTreeRows(paths, LEVELS, domains),
          totals: clickTreeTotals(paths, domains),
          notes,
        },
      ],
    };
  },
};
