/**
 * The twice-yearly competitor diagnostics («Диагностика и профилактика появления конкурентов»):
 * twice a year every served client's remote specialist gets a task to find out whether the
 * client uses a competitor's system. Pure rules, no I/O:
 *
 * - the segment by monthly fee: up to and including the boundary (seed: 15 000 р/мес) small and
 *   medium («мелкий и средний сегмент»), above it large («крупный сегмент»);
 * - each segment's checklist, planned period and priority;
 * - due dates staggered over the planned period's working days so that no specialist has more
 *   than N diagnostics due on one working day, counting what is already due from an earlier run.
 */
import type { Calendar } from './calendar.js';
import { addDays, type IsoDate } from './dates.js';
import { periodName } from './periods.js';
import { dmy } from './ru-dates.js';

/** The segments of the seed: «мелкий и средний» and «крупный». */
export type Segment = 'small_medium' | 'large';

export const SEGMENTS: readonly Segment[] = ['large', 'small_medium'];

export const SEGMENT_NAMES: Readonly<Record<Segment, string>> = {
  small_medium: 'Мелкий и средний сегмент',
  large: 'Крупный сегмент',
};

/** The task kind and its title, as the CRM names the ПриЗ. */
export const DIAGNOSTICS_KIND = 'competitor-diagnostics';
export const DIAGNOSTICS_TITLE = 'Диагностика и профилактика появления конкурентов';

export interface SegmentRules {
  plannedWeeks: number;
  priority: number;
}

export interface DiagnosticsRules {
  largeFeeAbove: number;
  segments: Readonly<Record<Segment, SegmentRules>>;
  maxDuePerDay: number;
}

/** Compared in kopecks: 15 000,00 is small and medium, 15 000,01 large, whatever the float. */
export function segmentOf(monthlyFee: number, largeFeeAbove: number): Segment {
  return Math.round(monthlyFee * 100) > Math.round(largeFeeAbove * 100) ? 'large' : 'small_medium';
}

const COMMON_CHECKLIST = [
  'Кто в организации пользуется системами конкурентов (ФИО, должность)?',
  'Какая система конкурента установлена (название)?',
  'До какого срока действует договор на систему конкурента?',
  'Кто принимает решение о продлении (ЛПР, ЛВПР)?',
  'Какое мероприятие по сравнению предложить: обучение с элементами сравнения, вебинар, пробный запрос на ГЛ?',
];

/** What the specialist finds out, per segment: the large segment adds its departments and a meeting with the decision maker. */
export const CHECKLISTS: Readonly<Record<Segment, readonly string[]>> = {
  small_medium: COMMON_CHECKLIST,
  large: [
    ...COMMON_CHECKLIST,
    'В каких подразделениях и филиалах организации работают с системой конкурента?',
    'Договориться о встрече ЛПР со специалистом ТС для презентации сравнения.',
  ],
};

/** The task's full text (`task show`): campaign, segment, planned period, checklist, how to close it. */
export function diagnosticsText(t: { period: string; segment: Segment; fee: string; plannedFrom: IsoDate; dueOn: IsoDate }): string {
  return [
    `${DIAGNOSTICS_TITLE} (${periodName(t.period)}). ${SEGMENT_NAMES[t.segment]}: сумма ИО ${t.fee} в месяц.`,
    `Плановый период: с ${dmy(t.plannedFrom)} до ${dmy(t.dueOn)}.`,
    '',
    'Выяснить:',
    ...CHECKLISTS[t.segment].map((q, i) => `${i + 1}. ${q}`),
    '',
    'Выявленную угрозу сразу передаём ТС: отметьте в Ежедневнике итог «Выявлен конкурент» (с системой, сроком и контактным лицом)',
    'или «Конкурент не выявлен», если конкурента нет.',
  ].join('\n');
}

/** One served client to give a diagnostics task. */
export interface CampaignClient {
  clientId: number;
  number: number;
  monthlyFee: number;
  specialistId: number;
}

export interface PlannedDiagnostics {
  clientId: number;
  specialistId: number;
  segment: Segment;
  priority: number;
  /** The working day the task is due. */
  dueOn: IsoDate;
  /** The last day of the segment's planned period. */
  windowEnd: IsoDate;
  /** The specialist's days in the planned period were full: due after it. */
  beyondWindow: boolean;
}

/** Due diagnostics per specialist and working day: what an earlier run of the campaign gave. */
export type DueCounts = Map<number, Map<IsoDate, number>>;

export interface StaggerInput {
  clients: readonly CampaignClient[];
  /** The day the tasks are given (the planned period starts on the first working day from it). */
  start: IsoDate;
  rules: DiagnosticsRules;
  calendar: Pick<Calendar, 'workingDaysIn' | 'addWorkingDays'>;
  /** Updated in place with the new tasks. */
  counts: DueCounts;
}

/** Large clients first (shorter period, higher priority), then by fee, largest first, then by number. */
function byUrgency(rules: DiagnosticsRules) {
  return (a: CampaignClient, b: CampaignClient) => {
    const sa = segmentOf(a.monthlyFee, rules.largeFeeAbove) === 'large' ? 0 : 1;
    const sb = segmentOf(b.monthlyFee, rules.largeFeeAbove) === 'large' ? 0 : 1;
    return sa - sb || b.monthlyFee - a.monthlyFee || a.number - b.number;
  };
}

/**
 * Spread one segment's clients of one specialist over the segment's working days: the i-th of k
 * aims at day ⌈(i+1)·W/k⌉ − 1 of W (evenly, the last on the period's last day), takes the first
 * later day with room, else the nearest earlier one, else the first working day with room after
 * the period — the daily limit always holds; the period gives way when it cannot.
 */
function placeSegment(
  group: readonly CampaignClient[],
  days: readonly IsoDate[],
  perDay: Map<IsoDate, number>,
  limit: number,
  calendar: StaggerInput['calendar'],
): { dueOn: IsoDate; beyond: boolean }[] {
  const free = (d: IsoDate) => (perDay.get(d) ?? 0) < limit;
  const take = (d: IsoDate) => perDay.set(d, (perDay.get(d) ?? 0) + 1);
  // Days after the period fill in order: every day before the cursor is full.
  let cursor = calendar.addWorkingDays(days.at(-1) as IsoDate, 1);
  return group.map((_c, i) => {
    const target = Math.max(0, Math.ceil(((i + 1) * days.length) / group.length) - 1);
    let day: IsoDate | undefined;
    for (let j = target; j < days.length && !day; j++) if (free(days[j] as IsoDate)) day = days[j];
    for (let j = target - 1; j >= 0 && !day; j--) if (free(days[j] as IsoDate)) day = days[j];
    if (day) {
      take(day);
      return { dueOn: day, beyond: false };
    }
    while (!free(cursor)) cursor = calendar.addWorkingDays(cursor, 1);
    take(cursor);
    return { dueOn: cursor, beyond: true };
  });
}

/** Due dates for a campaign's new tasks, per specialist, under the daily limit. */
export function staggerDueDates(input: StaggerInput): PlannedDiagnostics[] {
  const { rules, calendar, start } = input;
  const windows = new Map<Segment, { end: IsoDate; days: IsoDate[] }>();
  for (const s of SEGMENTS) {
    let end = addDays(start, rules.segments[s].plannedWeeks * 7 - 1);
    let days = calendar.workingDaysIn(start, end);
    // A period of holidays only (a misconfigured calendar) still gets its first working day.
    if (!days.length) {
      end = calendar.addWorkingDays(end, 1);
      days = [end];
    }
    windows.set(s, { end, days });
  }
  const bySpecialist = new Map<number, CampaignClient[]>();
  for (const c of input.clients) bySpecialist.set(c.specialistId, [...(bySpecialist.get(c.specialistId) ?? []), c]);
  const out: PlannedDiagnostics[] = [];
  for (const [specialistId, list] of [...bySpecialist].sort((a, b) => a[0] - b[0])) {
    const perDay = input.counts.get(specialistId) ?? new Map<IsoDate, number>();
    input.counts.set(specialistId, perDay);
    const sorted = [...list].sort(byUrgency(rules));
    for (const segment of SEGMENTS) {
      const group = sorted.filter((c) => segmentOf(c.monthlyFee, rules.largeFeeAbove) === segment);
      if (!group.length) continue;
      const w = windows.get(segment) as { end: IsoDate; days: IsoDate[] };
      const placed = placeSegment(group, w.days, perDay, rules.maxDuePerDay, calendar);
      group.forEach((c, i) => {
        const p = placed[i] as { dueOn: IsoDate; beyond: boolean };
        out.push({
          clientId: c.clientId,
          specialistId,
          segment,
          priority: rules.segments[segment].priority,
          dueOn: p.dueOn,
          windowEnd: w.end,
          beyondWindow: p.beyond,
        });
      });
    }
  }
  return out;
}

/** The control figures of a group of diagnostics tasks (a specialist, a segment, a department). */
export interface ControlFigures {
  tasks: number;
  done: number;
  overdue: number;
  /** Clients at whom a competitor was found. */
  found: number;
}

/** Sum of figures, with the share done (0..1; null without tasks). */
export function sumFigures(rows: readonly ControlFigures[]): ControlFigures & { shareDone: number | null } {
  const t = { tasks: 0, done: 0, overdue: 0, found: 0 };
  for (const r of rows) {
    t.tasks += r.tasks;
    t.done += r.done;
    t.overdue += r.overdue;
    t.found += r.found;
  }
  return { ...t, shareDone: t.tasks ? t.done / t.tasks : null };
}
