/**
 * «Образовательная работа»: per served client, the system users trained within the validity of
 * a training (2 years) against the category's norm (A 80 %, B and C 50 %), how many more to
 * train, the last training, and the webinars attended in 6 months. The norms, the validity and
 * the webinar window are the risk model's (`risk.training`, `risk.webinars` in config), so this
 * report explains the «Обучение» and «Посещение семинаров» components of «Фиксация отклонений».
 */
import { now } from '../clock.js';
import { addMonths, localDate } from '../domain/dates.js';
import { dmy } from '../domain/ru-dates.js';
import { clientLabel } from '../health/alert-email.js';
import { dateOption } from './options.js';
import type { ReportDefinition, ReportRow } from './types.js';

interface Row {
  number: number;
  name: string;
  category: 'A' | 'B' | 'C';
  remote: string | null;
  users: number;
  trained: number;
  last_training: string | null;
  webinars: number;
}

export const educationReport: ReportDefinition = {
  name: 'education',
  title: 'Образовательная работа',
  description: 'Образовательная работа: users trained in 2 years against the category norm, and webinars in 6 months, per client',
  usage: 'report education [--on 2024-06-30] [--below]',
  options: { on: { type: 'string' }, below: { type: 'boolean' } },
  forSpecialists: true,
  async build(app, values) {
    const cfg = app.config.risk;
    const on = dateOption(values, 'on') ?? localDate(now(), app.config.ric.timeZone);
    const trainingFrom = addMonths(on, -cfg.training.validityMonths);
    const webinarsFrom = addMonths(on, -cfg.webinars.months);
    // Trained users as the risk model counts them: a training names the person by contact id or by name.
    const { rows } = await app.pool.query<Row>(
      `WITH trained AS (
         SELECT t.contact_id AS id, t.trained_on FROM trainings t
          WHERE t.contact_id IS NOT NULL AND t.trained_on > $2::date AND t.trained_on <= $1::date
         UNION ALL
         SELECT k.id, t.trained_on FROM trainings t
           JOIN contacts k ON k.client_id = t.client_id AND lower(k.full_name) = lower(t.person_name)
          WHERE t.contact_id IS NULL AND t.trained_on > $2::date AND t.trained_on <= $1::date
       ), people AS (
         SELECT k.client_id, count(DISTINCT k.id)::int AS users, count(DISTINCT tr.id)::int AS trained
           FROM contacts k LEFT JOIN trained tr ON tr.id = k.id
          WHERE k.active AND k.is_system_user
          GROUP BY k.client_id
       )
       SELECT c.number, c.name, c.category, e.name AS remote,
              coalesce(p.users, 0) AS users, coalesce(p.trained, 0) AS trained,
              (SELECT max(trained_on) FROM trainings x WHERE x.client_id = c.id AND x.trained_on <= $1::date)::text AS last_training,
              (SELECT count(DISTINCT (attended_on, coalesce(webinar, '')))::int FROM webinar_attendance w
                WHERE w.client_id = c.id AND w.attended_on > $3::date AND w.attended_on <= $1::date) AS webinars
         FROM served_clients c
         LEFT JOIN employees e ON e.id = c.remote_specialist_id
         LEFT JOIN people p ON p.client_id = c.id
        ORDER BY c.number`,
      [on, trainingFrom, webinarsFrom],
    );
    let out: ReportRow[] = rows.map((r) => {
      const norm = cfg.training.norms[r.category];
      const needed = Math.ceil(norm * r.users - 1e-9);
      const met = r.users > 0 && r.trained >= needed;
      return {
        client: clientLabel(r),
        category: r.category,
        remote: r.remote ?? 'не назначен',
        users: r.users,
        trained: r.trained,
        share: r.users ? r.trained / r.users : null,
        norm,
        to_train: Math.max(0, needed - r.trained),
        met: met ? 'Да' : 'Нет',
        last_training: r.last_training,
        webinars: r.webinars,
      };
    });
    if (values.below === true) out = out.filter((r) => r.met === 'Нет');
    const sum = (k: string) => out.reduce((s, r) => s + Number(r[k] ?? 0), 0);
    return {
      name: 'education',
      title: 'Образовательная работа',
      subtitle: `${app.config.ric.code}, на ${dmy(on)}: обучение с ${dmy(trainingFrom)}, вебинары с ${dmy(webinarsFrom)}`,
      sections: [
        {
          columns: [
            { key: 'client', header: 'Клиент' },
            { key: 'category', header: 'Категория клиента' },
            { key: 'remote', header: 'Сотрудник (упр)' },
            { key: 'users', header: 'Пользователей', type: 'int' },
            { key: 'trained', header: 'Обучено за 2 года', type: 'int' },
            { key: 'share', header: 'Обученность', type: 'percent' },
            { key: 'norm', header: 'Норма обученности', type: 'percent' },
            { key: 'to_train', header: 'Обучить ещё', type: 'int' },
            { key: 'met', header: 'Норма выполнена' },
            { key: 'last_training', header: 'Последнее обучение', type: 'date' },
            { key: 'webinars', header: 'Посещение вебинаров за 6 мес.', type: 'int' },
          ],
          rows: out,
          totals: {
            client: `Итого: (${out.length})`,
            users: sum('users'),
            trained: sum('trained'),
            share: sum('users') ? sum('trained') / sum('users') : null,
            to_train: sum('to_train'),
            met: `Да: ${out.filter((r) => r.met === 'Да').length}`,
            webinars: sum('webinars'),
          },
          notes: [
            `Норма обученности: категория A — ${Math.round(app.config.risk.training.norms.A * 100)} %, B — ${Math.round(app.config.risk.training.norms.B * 100)} %, C — ${Math.round(app.config.risk.training.norms.C * 100)} % пользователей; обучение действует ${app.config.risk.training.validityMonths} мес.`,
          ],
        },
      ],
    };
  },
};
