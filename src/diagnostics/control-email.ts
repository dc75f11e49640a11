/**
 * The e-mails of the campaign's control: the reminder to a specialist listing the overdue
 * diagnostics, and the weekly summary to a department head (the department's specialists with
 * tasks, done, overdue, competitors found and percent done, and the totals).
 */
import type { App } from '../app.js';
import type { Head } from '../db/client-cards.js';
import type { ControlRow, OverdueDiagnostics } from '../db/diagnostics.js';
import { localDate } from '../domain/dates.js';
import { DIAGNOSTICS_TITLE, SEGMENT_NAMES, type Segment, sumFigures } from '../domain/diagnostics.js';
import { periodName } from '../domain/periods.js';
import { count, quoted, rub } from '../domain/ru.js';
import { dmy } from '../domain/ru-dates.js';
import type { RenderedMail } from '../health/alert-email.js';
import { clientCardUrl, clientLink } from '../health/alert-email.js';
import { html, plainTextOf, renderTemplate, type SafeHtml } from '../mail/render.js';

const TASKS: [string, string, string] = ['задача', 'задачи', 'задач'];

/** A table for the HTML part and the same rows, tab-free, for the plain-text part. */
function tableBlock(
  headers: string[],
  rows: (string | SafeHtml)[][],
  totals?: string[],
  /** Per row, what the plain-text line adds after its cells (a link's address the HTML hides). */
  notes?: string[],
): { html: SafeHtml; text: string } {
  return {
    html: html`<table class="grid" cellpadding="0" cellspacing="0"><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr>${rows.map(
      (r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`,
    )}${totals ? html`<tr class="total">${totals.map((c) => html`<td>${c}</td>`)}</tr>` : ''}</table>`,
    text: [
      ...rows.map(
        (r, n) =>
          r.map((c, i) => `${headers[i]}: ${typeof c === 'string' ? c : plainTextOf(c)}`).join('; ') + (notes?.[n] ? `; ${notes[n]}` : ''),
      ),
      ...(totals ? [[totals[0], ...totals.slice(1).map((c, i) => `${headers[i + 1]}: ${c}`)].join('; ')] : []),
    ].join('\n'),
  };
}

function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)} %`;
}

export async function renderReminder(app: App, name: string, tasks: OverdueDiagnostics[], today: string): Promise<RenderedMail> {
  const tz = app.config.ric.timeZone;
  const base = app.config.env.publicBaseUrl;
  const subject = `Просрочены ${count(tasks.length, TASKS)} «${DIAGNOSTICS_TITLE}»`;
  const t = tableBlock(
    ['№ задачи', 'Клиент', 'Сегмент', 'Сумма ИО', 'Срок', 'Просрочено, раб. дн.'],
    tasks.map((x) => {
      const due = localDate(x.due_at, tz);
      return [
        html`<a href="${`${base}/diary/tasks/${x.id}`}">${x.id}</a>`,
        // The client opens its card in the diary, as in the alert and digest e-mails.
        clientLink(base, { number: x.client_number, name: x.client_name }),
        SEGMENT_NAMES[x.segment as Segment] ?? x.segment,
        rub(x.monthly_fee),
        dmy(due),
        String(app.calendar.workingDaysBetween(due, today)),
      ];
    }),
    undefined,
    tasks.map((x) => `Карточка клиента: ${clientCardUrl(base, x.client_number)}`),
  );
  const r = await renderTemplate('diagnostics-reminder', {
    subject,
    heading: 'Просроченные задачи диагностики конкурентов',
    lead: `${name}, на ${dmy(today)} у вас ${count(tasks.length, ['просроченная задача', 'просроченные задачи', 'просроченных задач'])} «${DIAGNOSTICS_TITLE}».`,
    table_html: t.html,
    table_text: t.text,
    diary_url: `${base}/diary`,
    footer: `${app.config.ric.name} · churnguard`,
  });
  return { subject, ...r };
}

export async function renderSummary(app: App, head: Head, campaign: string, rows: ControlRow[], today: string): Promise<RenderedMail> {
  const department = rows[0]?.department ?? '';
  const bySpecialist = new Map<string, ControlRow[]>();
  for (const r of rows) bySpecialist.set(r.employee ?? 'не назначен', [...(bySpecialist.get(r.employee ?? 'не назначен') ?? []), r]);
  const line = (label: string, f: ReturnType<typeof sumFigures>) => [
    label,
    String(f.tasks),
    String(f.done),
    String(f.overdue),
    String(f.found),
    percent(f.shareDone),
  ];
  const total = sumFigures(rows);
  const t = tableBlock(
    ['Сотрудник', 'Заданий', 'Выполнено', 'Просрочено', 'Выявлено конкурентов', '% выполнения'],
    [...bySpecialist].map(([employee, list]) => line(employee, sumFigures(list))),
    line(`Итого: (${bySpecialist.size})`, total),
  );
  // No period code in the subject: «2024-H1» made its only Latin letter a capital, and
  // SpamAssassin's SUBJ_ALL_CAPS reads Latin letters only. The heading names the campaign.
  const subject = `Диагностика конкурентов: ${department} на ${dmy(today)}`;
  const r = await renderTemplate('diagnostics-summary', {
    subject,
    heading: `${DIAGNOSTICS_TITLE}, ${periodName(campaign)}`,
    lead: `${head.name}, сводка по подразделению ${quoted(department)} на ${dmy(today)}: выполнено ${total.done} из ${total.tasks} (${percent(total.shareDone)}), просрочено ${total.overdue}, выявлено конкурентов ${total.found}.`,
    table_html: t.html,
    table_text: t.text,
    tasks_control_url: `${app.config.env.publicBaseUrl}/diary/reports/tasks-control`,
    competitors_url: `${app.config.env.publicBaseUrl}/diary/reports/competitors`,
    footer: `${app.config.ric.name} · churnguard`,
  });
  return { subject, ...r };
}
