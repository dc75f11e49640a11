/**
 * What a demo client did, relative to `today`: 26 weeks of logins (steady, low, declining or
 * dead), trainings, webinars, cabinet and hotline requests, contact events and payments
 * (with some debt growth and a fee cut), shaped by its usage pattern and engagement.
 */
import { addDays, addMonths, type IsoDate, weekdayOf } from '../domain/dates.js';
import type { DemoContact, Engagement, UsagePattern } from './model.js';
import { COMMENTS, GOALS, LK_TYPES, TRAINING_TOPICS, WEBINARS } from './names.js';
import type { Rng } from './random.js';

export const USAGE_WEEKS = 26;

export interface DemoEvent {
  date: IsoDate;
  time: string;
  state: 'Запланирована' | 'Контакт состоялся' | 'Не состоялся';
  result: string;
  contact: string | null;
  channel: string;
  goal: string;
  comment: string;
}

export interface ClientActivity {
  weekly: number[];
  trainings: { name: string; date: IsoDate; topic: string }[];
  webinars: { name: string; date: IsoDate; title: string }[];
  lk: { date: IsoDate; type: string }[];
  hotline: { date: IsoDate; kind: 'вопрос' | 'документ' }[];
  events: DemoEvent[];
  payments: { month: IsoDate; charged: number; paid: number; debt: number }[];
}

interface Input {
  today: IsoDate;
  pattern: UsagePattern;
  engagement: Engagement;
  contacts: DemoContact[];
  state: string;
  fee: number;
  index: number;
}

/** The Monday of the first of the 26 full weeks before `today`. */
export function firstUsageWeek(today: IsoDate): IsoDate {
  const lastSunday = addDays(today, -weekdayOf(today));
  return addDays(lastSunday, -7 * USAGE_WEEKS + 1);
}

function weekly(rng: Rng, pattern: UsagePattern): number[] {
  const base = pattern === 'low' ? rng.int(1, 2) : rng.int(4, 25);
  const stopAt = USAGE_WEEKS - rng.int(6, 12);
  return Array.from({ length: USAGE_WEEKS }, (_, w) => {
    const noisy = (x: number) => Math.max(0, Math.round(x * (0.7 + rng.next() * 0.6)));
    if (pattern === 'dead') return w >= stopAt ? 0 : noisy(base);
    if (pattern === 'declining' && w >= USAGE_WEEKS - 10) return noisy(base * ((USAGE_WEEKS - w) / 11) ** 2);
    if (pattern === 'low') return rng.chance(0.45) ? 0 : base;
    return noisy(base);
  });
}

const daysAgo = (rng: Rng, today: IsoDate, min: number, max: number) => addDays(today, -rng.int(min, max));

/** How many events of a kind an engagement level gives: good > 1, dynamic exactly 1, risk none. */
const byEngagement = (rng: Rng, e: Engagement, good: [number, number]) => (e === 'good' ? rng.int(...good) : e === 'dynamic' ? 1 : 0);

function trainings(rng: Rng, i: Input): ClientActivity['trainings'] {
  const users = i.contacts.filter((c) => c.systemUser);
  const out: ClientActivity['trainings'] = [];
  for (const u of users) {
    const trained = i.engagement === 'good' ? rng.chance(0.9) : i.engagement === 'dynamic' ? rng.chance(0.45) : rng.chance(0.3);
    if (!trained) continue;
    // Risky clients trained long ago: the two-year validity has lapsed.
    const date = i.engagement === 'risk' ? daysAgo(rng, i.today, 800, 1400) : daysAgo(rng, i.today, 20, 600);
    out.push({ name: u.name, date, topic: rng.pick(TRAINING_TOPICS) });
  }
  return out;
}

function events(rng: Rng, i: Input): DemoEvent[] {
  if (i.state === 'disconnected') return [];
  const lpr = i.contacts.find((c) => c.lpr);
  const keyUser = i.contacts.find((c) => c.keyUser);
  const out: DemoEvent[] = [];
  const held = i.engagement === 'good' ? rng.int(2, 4) : i.engagement === 'dynamic' ? rng.int(1, 2) : rng.int(0, 1);
  for (let k = 0; k < held; k++) {
    const who = rng.chance(0.45) ? lpr : keyUser;
    const date = daysAgo(rng, i.today, 3, 120);
    const state = i.engagement === 'risk' ? 'Не состоялся' : 'Контакт состоялся';
    // Some calls are held without the client logging in together with the specialist.
    const withLogin = state === 'Контакт состоялся' && (i.engagement === 'good' ? rng.chance(0.75) : rng.chance(0.25));
    out.push({
      date,
      time: `${rng.int(9, 16)}:${rng.pick(['00', '15', '30', '45'])}:00`,
      state,
      result: state === 'Не состоялся' ? 'Не отвечает' : withLogin ? 'Контакт состоялся с входом' : 'Контакт состоялся без входа',
      contact: who?.name ?? null,
      channel: rng.chance(0.85) ? 'Телефонный контакт' : 'Электронная почта',
      goal: rng.pick(GOALS),
      comment: state === 'Не состоялся' ? 'переносит звонок, продолжаю дозвон' : rng.pick(COMMENTS),
    });
  }
  if (rng.chance(0.35)) {
    out.push({
      date: addDays(i.today, rng.int(1, 14)),
      time: '08:00:00',
      state: 'Запланирована',
      result: '',
      contact: (rng.chance(0.5) ? lpr : keyUser)?.name ?? null,
      channel: 'Телефонный контакт',
      goal: rng.pick(GOALS),
      comment: '',
    });
  }
  return out;
}

function payments(rng: Rng, i: Input): ClientActivity['payments'] {
  const month0 = `${i.today.slice(0, 7)}-01`;
  // A few clients stop paying in full (debt grows); a few had their fee cut two months ago.
  const debtor = i.index % 17 === 4 || (i.pattern === 'dead' && rng.chance(0.3));
  const feeCut = i.index % 29 === 7;
  let debt = 0;
  return Array.from({ length: 6 }, (_, k) => {
    const month = addMonths(month0, k - 6);
    const charged = feeCut && k < 4 ? Math.round(i.fee * 1.4) : i.fee;
    const paid = debtor && k >= 3 ? Math.round(charged * rng.pick([0, 0.5])) : charged;
    debt += charged - paid;
    return { month, charged, paid, debt };
  });
}

export function clientActivity(rng: Rng, i: Input): ClientActivity {
  const people = i.contacts;
  return {
    weekly: weekly(rng, i.pattern),
    trainings: trainings(rng, i),
    webinars: Array.from({ length: byEngagement(rng, i.engagement, [2, 4]) }, () => ({
      name: rng.pick(people).name,
      date: daysAgo(rng, i.today, 5, 175),
      title: rng.pick(WEBINARS),
    })),
    lk: Array.from({ length: byEngagement(rng, i.engagement, [2, 5]) }, () => ({
      date: daysAgo(rng, i.today, 2, 85),
      type: rng.pick(LK_TYPES),
    })),
    hotline: Array.from({ length: i.engagement === 'risk' ? rng.int(0, 1) : rng.int(1, 6) }, () => ({
      date: daysAgo(rng, i.today, 2, 180),
      kind: rng.chance(0.7) ? ('вопрос' as const) : ('документ' as const),
    })),
    events: events(rng, i),
    payments: payments(rng, i),
  };
}
