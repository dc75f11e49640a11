/**
 * The diary's content page of a month (`/diary/content/<YYYY-MM>`): the upload form for the
 * workbook and the PDFs, the loader's problems by cell, each variant of the e-mail as its
 * recipients get it (in frames of a phone's and a desktop's width), the recipients per variant
 * as in the dry run, and «Отправить тест себе». Read-only once the month's mailing exists.
 */
import type { MonthPreview } from '../../content/preview.js';
import type { DiaryUser } from '../../db/diary-auth.js';
import { ruDateTime } from '../../domain/formats.js';
import { monthTitle, quoted } from '../../domain/ru.js';
import { html, type SafeHtml } from '../../mail/render.js';
import { htmlPage } from '../../reports/html.js';
import { DIARY_CSP, DIARY_CSS } from './style.js';

/** The diary's policy, plus frames of this site (the e-mail previews). */
export const CONTENT_CSP = `${DIARY_CSP}; frame-src 'self'`;

/** An e-mail preview in a frame: its own styles and pictures from the web, no scripts, no forms, framed only by the diary. */
export const PREVIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline' https:; img-src data: https: http:; font-src https:; form-action 'none'; frame-ancestors 'self'; base-uri 'none'; sandbox allow-popups allow-popups-to-escape-sandbox";

const CONTENT_CSS = `
nav.crumbs{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.9rem;margin:.2em 0 .6em}
ul.problems{background:#fbeaea;border:1px solid #e0a3a3;border-radius:4px;padding:.5em .8em .5em 2em;overflow-wrap:anywhere}
section.variant{border-top:1px solid #ccc;margin-top:1.2em}
.frames{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.frames figure{margin:0;min-width:0}
.frames figure.phone{flex:0 1 360px;max-width:100%}
.frames figure.desktop{flex:1 1 480px;max-width:100%}
.frames iframe{display:block;width:100%;height:640px;border:1px solid #aab4c0;border-radius:4px;background:#fff}
form.upload,form.test{margin:.6em 0;padding:.6em;border:1px solid #dde6f0;border-radius:4px;background:#f9fbfd}
input[type=file]{display:block;max-width:100%;margin:.4em 0}
`
  .trim()
  .replace(/\n/g, '');

export interface ContentPageInput {
  user: DiaryUser;
  period: string;
  csrf: string;
  tz: string;
  preview: MonthPreview | null;
  /** Problems of the last upload, by cell. */
  problems: string[];
  flash: { text: string; error?: boolean } | null;
}

function recipientsTable(v: MonthPreview['variants'][number]): SafeHtml {
  const more =
    v.visible < v.count
      ? html`<p class="muted">Показаны получатели ваших клиентов: ${v.first.length} из ${v.visible}.</p>`
      : v.count > v.first.length
        ? html`<p class="muted">Показаны первые ${v.first.length} из ${v.count}.</p>`
        : '';
  return html`<details><summary>Получатели: ${v.count}</summary><div class="table-wrap"><table><thead><tr><th>Контактное лицо</th><th>Клиент</th><th>E-mail</th></tr></thead>
<tbody>${v.first.map((r) => html`<tr><td class="text">${r.name}</td><td class="text">${r.client}</td><td>${r.email}</td></tr>`)}</tbody></table></div>${more}</details>`;
}

export function contentPage(p: ContentPageInput): string {
  const month = monthTitle(p.period);
  const readOnly = p.preview?.mailing != null;
  const base = `/diary/content/${p.period}`;
  const status = !p.preview
    ? html`<p class="empty">Содержание за ${month} ещё не загружено.</p>`
    : readOnly
      ? html`<p class="flash">Рассылка за ${month} уже начата: страница только для просмотра, письма показаны такими, какими их получили.</p>`
      : html`<p class="meta">Загружено ${p.preview.loadedAt ? ruDateTime(p.preview.loadedAt, p.tz).slice(0, 16) : ''}; тема: ${quoted(p.preview.content.subject)}.</p>`;
  const flash = p.flash ? html`<p class="flash${p.flash.error ? ' error' : ''}" role="status">${p.flash.text}</p>` : '';
  const problems = p.problems.length
    ? html`<h2>Ошибки в файлах (${p.problems.length})</h2><p>Ничего не загружено. Исправьте ячейки и загрузите файлы ещё раз.</p><ul class="problems">${p.problems.map((x) => html`<li>${x}</li>`)}</ul>`
    : '';
  const upload = readOnly
    ? ''
    : html`<form class="upload" method="post" action="${base}?csrf=${p.csrf}" enctype="multipart/form-data">
<label class="field">Книга content.xlsx и PDF-подборки к ней<input type="file" name="files" multiple required accept=".xlsx,.json,.pdf"></label>
<button type="submit">Загрузить и проверить</button>
<p class="muted"><a href="${base}/content.xlsx">Скачать книгу месяца</a>: загруженную, иначе с содержанием прошлого месяца для правки, иначе пустую — с примечанием к каждому столбцу. PDF-подборки кладите рядом.</p>
</form>`;
  const variants = p.preview?.variants.length
    ? p.preview.variants.map(
        (v) => html`<section class="variant" id="variant-${v.key}"><h2>${v.title}</h2>
${recipientsTable(v)}
${
  v.first.length === 0
    ? html`<p class="muted">Среди клиентов, которых вы видите, нет получателей этого варианта: предпросмотр и тестовое письмо недоступны.</p>`
    : html`<div class="frames">
<figure class="phone"><figcaption>Телефон, 360 px</figcaption><iframe src="${base}/variants/${v.key}" title="Письмо ${quoted(v.title)} на телефоне" loading="lazy"></iframe></figure>
<figure class="desktop"><figcaption>Компьютер</figcaption><iframe src="${base}/variants/${v.key}" title="Письмо ${quoted(v.title)} на компьютере" loading="lazy"></iframe></figure>
</div>
${
  readOnly
    ? ''
    : html`<form class="test" method="post" action="${base}/test"><input type="hidden" name="csrf" value="${p.csrf}"><input type="hidden" name="variant" value="${v.key}"><button type="submit" class="secondary">Отправить тест себе</button> <span class="muted">письмо с темой «[ТЕСТ] …» на ваш адрес; ссылки ведут прямо на документы</span></form>`
}`
}
</section>`,
      )
    : p.preview
      ? html`<p class="empty">Получателей в этом месяце нет.</p>`
      : '';
  const excluded = p.preview?.excluded.length
    ? html`<h2>Не отобраны</h2><ul>${p.preview.excluded.map((e) => html`<li>${e.reason}: ${e.count}</li>`)}</ul>`
    : '';
  const body = html`<header class="page"><h1>Рассылка ЛПР: ${month}</h1><p class="subtitle">${p.user.name}${p.user.department ? html`, ${p.user.department}` : ''}</p></header>
<nav class="crumbs" aria-label="Разделы"><a href="/diary">Ежедневник</a><a href="/diary/reports">Отчёты</a></nav>
${status}${flash}${problems}${upload}
${p.preview ? html`<h2>Варианты письма (${p.preview.variants.length})</h2>` : ''}
${variants}
${excluded}`;
  return htmlPage(`Рассылка ЛПР: ${month}`, body, { csp: CONTENT_CSP, css: DIARY_CSS + CONTENT_CSS });
}
