/**
 * The CRM's simple event exports, one row per event:
 * - `trainings` «Обучение»: Номер клиента · ФИО · Дата обучения · [Тема]
 * - `webinars` «Посещение вебинаров»: Номер клиента · ФИО · Дата · [Вебинар]
 * - `lk-requests` «Обращения в ЛК»: Номер клиента · Дата · [Тип обращения]
 * - `hotline` «Горячая линия»: Номер клиента · Дата · [Тип (вопрос / документ)]
 * Natural key: client number, person, date, the identifying detail, ordinal in the file.
 */
import { applyEvents, type EventTable } from '../../db/events.js';
import type { ColumnSpec } from '../columns.js';
import { clientId, type ImportKind, type ImportKindName, ordinalKeys, stageColumns, tableRows } from '../kind.js';
import { CellError, clean, optText, parseClientRef, parseDate, personName } from '../values.js';

interface EventKindSpec {
  kind: ImportKindName;
  title: string;
  table: EventTable;
  dateHeader: ColumnSpec;
  detailHeader: ColumnSpec;
  /** Is the detail part of the event's identity (a webinar's name, a request type) or a mere description (a topic)? */
  detailIdentifies: boolean;
  detail?: (raw: string) => string | null;
  /** The value of an empty detail cell. */
  defaultDetail?: string;
}

const NUMBER: ColumnSpec = { key: 'number', ru: 'Номер клиента', en: 'number', aliases: ['Клиент', 'client number'] };
const PERSON: ColumnSpec = { key: 'person', ru: 'ФИО', en: 'name', aliases: ['Контактное лицо', 'Слушатель', 'Участник'] };

function eventKind(spec: EventKindSpec): ImportKind {
  const columns = [
    NUMBER,
    ...(spec.table.person ? [PERSON] : []),
    { ...spec.dateHeader, key: 'date' },
    { ...spec.detailHeader, key: 'detail', optional: true },
  ];
  return {
    kind: spec.kind,
    title: spec.title,
    stage: stageColumns('client_id bigint, person text, day date, detail text, natural_key text'),
    *parse(rows, ctx) {
      const key = ordinalKeys();
      yield* tableRows(rows, columns, ctx, (r) => {
        const ref = r.get('number', parseClientRef, true);
        const client = clientId(r, 'number', ctx, ref?.number);
        const person = spec.table.person ? r.get('person', personName, true) : null;
        const day = r.get('date', parseDate, true);
        const detail = r.get('detail', spec.detail ?? optText) ?? spec.defaultDetail ?? null;
        if (client === undefined || day === undefined || person === undefined) return undefined;
        ctx.cover(day);
        const identity = [spec.kind, ref?.number, person, day, spec.detailIdentifies ? detail : null];
        return [client, person, day, detail, key(identity)];
      });
    },
    apply: (db, ctx) => applyEvents(db, spec.table, ctx),
  };
}

const HOTLINE: Record<string, string> = { вопрос: 'question', question: 'question', документ: 'document', document: 'document' };

export function parseHotlineKind(raw: string): string {
  const v = HOTLINE[clean(raw).toLowerCase()];
  if (!v) throw new CellError(`«${clean(raw)}» — не тип обращения на ГЛ (ожидалось вопрос или документ)`);
  return v;
}

export const trainingsKind = eventKind({
  kind: 'trainings',
  title: 'Обучение',
  table: { table: 'trainings', dateColumn: 'trained_on', detailColumn: 'topic', person: true },
  dateHeader: { key: 'date', ru: 'Дата обучения', en: 'date', aliases: ['Дата'] },
  detailHeader: { key: 'detail', ru: 'Тема', en: 'topic', aliases: ['Тема обучения'] },
  detailIdentifies: false,
});

export const webinarsKind = eventKind({
  kind: 'webinars',
  title: 'Посещение вебинаров',
  table: { table: 'webinar_attendance', dateColumn: 'attended_on', detailColumn: 'webinar', person: true },
  dateHeader: { key: 'date', ru: 'Дата', en: 'date', aliases: ['Дата вебинара', 'Дата посещения'] },
  detailHeader: { key: 'detail', ru: 'Вебинар', en: 'webinar', aliases: ['Семинар', 'Мероприятие'] },
  detailIdentifies: true,
});

export const lkRequestsKind = eventKind({
  kind: 'lk-requests',
  title: 'Обращения в личном кабинете',
  table: { table: 'lk_requests', dateColumn: 'requested_on', detailColumn: 'request_type', person: false },
  dateHeader: { key: 'date', ru: 'Дата', en: 'date', aliases: ['Дата обращения'] },
  detailHeader: { key: 'detail', ru: 'Тип обращения', en: 'request type' },
  detailIdentifies: true,
});

export const hotlineKind = eventKind({
  kind: 'hotline',
  title: 'Горячая линия',
  table: { table: 'hotline_requests', dateColumn: 'requested_on', detailColumn: 'kind', person: false },
  dateHeader: { key: 'date', ru: 'Дата', en: 'date', aliases: ['Дата обращения'] },
  detailHeader: { key: 'detail', ru: 'Тип', en: 'type', aliases: ['Тип обращения'] },
  detailIdentifies: true,
  detail: parseHotlineKind,
  defaultDetail: 'question',
});
