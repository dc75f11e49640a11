/**
 * A run's statistics (`job_runs.stats`, JSON for machines) as one Russian line for people:
 * «5 напоминаний, 2 сводки, просрочено 30». Only the figures a person acts on are named; keys
 * without a wording here are left out rather than shown as code.
 */
import { SEGMENT_NAMES, type Segment } from '../domain/diagnostics.js';
import { EXCLUSION_TEXT, type Exclusion } from '../domain/recipients.js';
import { ZONE_NAMES, type Zone } from '../domain/risk-model.js';
import { count } from '../domain/ru.js';
import { isSignalKind, SIGNAL_TITLES } from '../domain/signal-kinds.js';

type Forms = readonly [string, string, string];

/** Counts by key: the noun's three forms, or a label before the number («просрочено 30»). */
const FIGURES: Readonly<Record<string, Forms | string>> = {
  clients: ['клиент', 'клиента', 'клиентов'],
  created: ['задача создана', 'задачи создано', 'задач создано'],
  raised: ['новый сигнал', 'новых сигнала', 'новых сигналов'],
  detected: 'сигналов обнаружено',
  emailed: ['письмо ТС', 'письма ТС', 'писем ТС'],
  baseline: 'в исходном состоянии',
  holding: 'условий держится',
  suppressed: 'без письма (повтор)',
  escalated: ['сигнал передан руководителю', 'сигнала передано руководителю', 'сигналов передано руководителю'],
  overdue: 'просрочено',
  noHead: 'без руководителя',
  acknowledgedByTasks: 'подтверждено закрытием задачи',
  reminders: ['напоминание', 'напоминания', 'напоминаний'],
  summaries: ['сводка', 'сводки', 'сводок'],
  open: 'открыто',
  lateTasks: 'поздних задач',
  notReminded: 'без напоминания',
  classified: ['переход разобран', 'перехода разобрано', 'переходов разобрано'],
  humans: 'переходов людей',
  bots: 'переходов роботов',
  disengaged: 'перестали читать',
  reengaged: 'снова читают',
  imported: ['файл загружен', 'файла загружено', 'файлов загружено'],
  alreadyImported: 'уже загруженных',
  failed: 'отклонено',
  left: 'ждут',
  messagesMarkedUnknown: 'писем рассылки с неизвестной судьбой',
  notificationsMarkedUnknown: 'уведомлений с неизвестной судьбой',
  callTasks: ['задача звонка', 'задачи звонка', 'задач звонка'],
  verifyAddressTasks: 'задач уточнить адрес',
  queued: ['письмо в очереди', 'письма в очереди', 'писем в очереди'],
  callOnly: 'звонков без письма',
  beyondPeriod: 'после планового периода',
  withoutSpecialist: 'без специалиста',
  eventsRecorded: 'событий доставки',
  tasksCreated: 'задач создано',
  recipients: ['получатель', 'получателя', 'получателей'],
};

function figure(key: string, n: number): string | null {
  const f = FIGURES[key];
  if (f === undefined) return null;
  return typeof f === 'string' ? `${f} ${n}` : count(n, f);
}

function breakdown(values: unknown, name: (k: string) => string | null): string | null {
  if (!values || typeof values !== 'object') return null;
  const parts = Object.entries(values as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'number' && v > 0)
    .map(([k, v]) => {
      const n = name(k);
      return n ? `${n} — ${v}` : null;
    })
    .filter((x): x is string => x !== null);
  return parts.length ? parts.join(', ') : null;
}

/** The run's figures in words; «—» when there are none to name. */
export function describeRunStats(stats: Record<string, unknown> | null | undefined): string {
  if (!stats) return '—';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(stats)) {
    if (typeof value === 'number') {
      const f = figure(key, value);
      if (f) parts.push(f);
      continue;
    }
    let b: string | null = null;
    if (key === 'byKind') b = breakdown(value, (k) => (isSignalKind(k) ? SIGNAL_TITLES[k] : null));
    else if (key === 'zones') b = breakdown(value, (k) => (k === 'nd' ? 'н/д' : (ZONE_NAMES[k as Zone] ?? null)));
    else if (key === 'bySegment') b = breakdown(value, (k) => SEGMENT_NAMES[k as Segment] ?? null);
    else if (key === 'excluded') b = breakdown(value, (k) => EXCLUSION_TEXT[k as Exclusion] ?? null);
    else if (key === 'mailbox' && value === 'not configured') b = 'ящик отказов не настроен';
    else if (key === 'tasks' && value && typeof value === 'object') {
      const t = value as { created?: unknown; closedRecovered?: unknown };
      const sub = [
        typeof t.created === 'number' ? count(t.created, ['задача создана', 'задачи создано', 'задач создано']) : null,
        typeof t.closedRecovered === 'number' && t.closedRecovered > 0 ? `закрыто по улучшению ${t.closedRecovered}` : null,
      ].filter(Boolean);
      b = sub.length ? sub.join(', ') : null;
    }
    if (b) parts.push(key === 'excluded' ? `не выбраны: ${b}` : b);
  }
  return parts.length ? parts.join('; ') : '—';
}
