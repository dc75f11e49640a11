/**
 * What a demo client did, relative to `today`, as the CRM's exports record it — read off the
 * client's hidden health (src/demo-data/world.ts) with noise, never chosen to fit the indicator:
 * a year of the world's weeks is simulated, the last 26 become the usage export; cabinet requests,
 * webinar visits and calls to the decision maker happen week by week at rates that follow health
 * and the client's own propensities (so each component has its own correlation with health, and
 * with the others); a held call, a training or a webinar visit may lift health, as the desk's work
 * does. Whether the client leaves within the following quarter is drawn from the same world.
 */
import { addDays, addMonths, type IsoDate, weekdayOf } from '../domain/dates.js';
import { isoWeekOf } from '../domain/periods.js';
import type { DemoContact } from './model.js';
import { COMMENTS, GOALS, LK_TYPES, TRAINING_TOPICS, WEBINARS } from './names.js';
import type { Rng } from './random.js';
import {
  callHeld,
  DEFAULT_WORLD,
  intervene,
  observeWeek,
  simulateHealth,
  stepHealth,
  userTrained,
  type WorldClient,
  type WorldConfig,
} from './world.js';

export const USAGE_WEEKS = 26;
/** Weeks of the world simulated before the usage export's first (webinars look back 6 months). */
export const HISTORY_WEEKS = 52;
/** The horizon over which the world decides who leaves after `today` (the indicator-quality horizon). */
export const LEAVE_HORIZON_WEEKS = 13;

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
  /** Hidden: health at the end of each usage week, and whether the world lets the client leave within the horizon. */
  health: number[];
  leaves: boolean;
}

interface Input {
  today: IsoDate;
  contacts: DemoContact[];
  state: string;
  fee: number;
  index: number;
  world: WorldClient;
  config?: WorldConfig;
}

/** The Monday of the first of the 26 full weeks before `today`. */
export function firstUsageWeek(today: IsoDate): IsoDate {
  const lastSunday = addDays(today, -weekdayOf(today));
  return addDays(lastSunday, -7 * USAGE_WEEKS + 1);
}

/** The first day of the cabinet-requests export the demo's CRM gives (a later start than the others: coverage shows). */
export function lkExportStart(today: IsoDate): IsoDate {
  return addDays(firstUsageWeek(today), 7 * 10);
}

const dayIn = (rng: Rng, monday: IsoDate) => addDays(monday, rng.int(0, 4));
const time = (rng: Rng) => `${rng.int(9, 16)}:${rng.pick(['00', '15', '30', '45'])}:00`;

/** Weekly chance the remote specialist calls the decision maker or key user (about one call a month). */
const CALL_CHANCE = 0.3;

function payments(rng: Rng, i: Input, dead: boolean): ClientActivity['payments'] {
  const month0 = `${i.today.slice(0, 7)}-01`;
  // A few clients stop paying in full (debt grows); a few had their fee cut two months ago.
  const debtor = i.index % 17 === 4 || (dead && rng.chance(0.3));
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
  const cfg = i.config ?? DEFAULT_WORLD;
  const w = i.world;
  const first = firstUsageWeek(i.today);
  const start = addDays(first, -7 * HISTORY_WEEKS);
  const lkFrom = lkExportStart(i.today);
  const lpr = i.contacts.find((c) => c.lpr);
  const keyUser = i.contacts.find((c) => c.keyUser);
  const users = i.contacts.filter((c) => c.systemUser);
  const out: ClientActivity = {
    weekly: [],
    trainings: [],
    webinars: [],
    lk: [],
    hotline: [],
    events: [],
    payments: [],
    health: [],
    leaves: false,
  };
  const disconnected = i.state === 'disconnected';
  // A disconnected client stopped using the system some weeks before the export's end.
  const stoppedAt = disconnected ? rng.int(USAGE_WEEKS - 14, USAGE_WEEKS - 4) : null;
  for (let t = 0; t < HISTORY_WEEKS + USAGE_WEEKS; t++) {
    const monday = addDays(start, 7 * t);
    stepHealth(rng, w, isoWeekOf(monday).week, cfg);
    const u = t - HISTORY_WEEKS;
    const gone = stoppedAt !== null && u >= stoppedAt;
    const seen = observeWeek(rng, w, cfg);
    if (u >= 0) {
      out.weekly.push(gone ? 0 : seen.logins);
      out.health.push(w.health);
    }
    if (gone) continue;
    for (let k = 0; k < seen.webinarVisits; k++) {
      out.webinars.push({ name: rng.pick(i.contacts).name, date: dayIn(rng, monday), title: rng.pick(WEBINARS) });
      intervene(rng, w, 'webinar', cfg);
    }
    if (u < 0) continue;
    for (let k = 0; k < seen.lkRequests; k++) {
      const date = dayIn(rng, monday);
      if (date >= lkFrom && date < i.today) out.lk.push({ date, type: rng.pick(LK_TYPES) });
    }
    // Hotline questions follow health too, at their own rate.
    if (rng.chance(0.08 + 0.25 * w.health)) {
      out.hotline.push({ date: dayIn(rng, monday), kind: rng.chance(0.7) ? 'вопрос' : 'документ' });
    }
    if (rng.chance(CALL_CHANCE)) {
      const who = rng.chance(0.5) ? lpr : keyUser;
      const held = callHeld(rng, w, cfg);
      // A held call lifts health with the world's chance; the client logs in with the specialist more often when well.
      if (held) intervene(rng, w, 'call', cfg);
      const withLogin = held && rng.chance(0.2 + 0.6 * w.health);
      out.events.push({
        date: dayIn(rng, monday),
        time: time(rng),
        state: held ? 'Контакт состоялся' : 'Не состоялся',
        result: !held ? 'Не отвечает' : withLogin ? 'Контакт состоялся с входом' : 'Контакт состоялся без входа',
        contact: who?.name ?? null,
        channel: rng.chance(0.85) ? 'Телефонный контакт' : 'Электронная почта',
        goal: rng.pick(GOALS),
        comment: held ? rng.pick(COMMENTS) : 'переносит звонок, продолжаю дозвон',
      });
    }
  }
  // Trainings: a registry reaching back four years; a user is trained within two years as health allows.
  for (const user of users) {
    if (userTrained(rng, w, cfg)) {
      out.trainings.push({ name: user.name, date: addDays(i.today, -rng.int(20, 700)), topic: rng.pick(TRAINING_TOPICS) });
      intervene(rng, w, 'training', cfg);
    } else if (rng.chance(0.4)) {
      // Trained long ago: the two-year validity has lapsed.
      out.trainings.push({ name: user.name, date: addDays(i.today, -rng.int(760, 1400)), topic: rng.pick(TRAINING_TOPICS) });
    }
  }
  if (!disconnected && rng.chance(0.35)) {
    out.events.push({
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
  const recent = out.weekly.slice(-6).reduce((a, b) => a + b, 0);
  out.payments = payments(rng, i, disconnected || recent === 0);
  // The quarter after `today`: the world decides who leaves (out of sample: the exports above are all before it).
  if (!disconnected) out.leaves = simulateHealth(rng, w, LEAVE_HORIZON_WEEKS, isoWeekOf(i.today).week, cfg).leftAt !== null;
  return out;
}
