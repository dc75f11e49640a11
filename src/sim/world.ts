/**
 * The simulated RIC's world: the demo's hidden world (src/demo-data/world.ts: each client's
 * health drifting week by week with the season and shocks, the weekly chance of leaving read
 * from the health of weeks before, the desk's interventions lifting it) applied to the demo
 * generator's clients, and shown only through what the CRM exports: logins, ЛК requests,
 * webinar visits, trainings, hotline questions, payments, key-person changes (a new chief
 * accountant) and state changes (disconnected).
 *
 * Nothing here reads churnguard's indicator or its components; the only way in is
 * `intervene` (a held call, a training, a webinar visit). Seeded: the same seed and the same
 * interventions give the same world.
 */

import type { DemoClient, DemoRic } from '../demo-data/model.js';
import { fullName, LK_TYPES, person, TRAINING_TOPICS, translit, WEBINARS } from '../demo-data/names.js';
import { Rng } from '../demo-data/random.js';
import {
  callHeld,
  DEFAULT_WORLD,
  intervene as lift,
  newClient,
  observeWeek,
  stepHealth,
  userTrained,
  type WorldClient,
  type WorldConfig,
  weeklyHazard,
} from '../demo-data/world.js';
import { addDays, type IsoDate, parseIsoDate } from '../domain/dates.js';
import { isoWeekOf } from '../domain/periods.js';

export { DEFAULT_WORLD };
export type WorldSettings = WorldConfig;

export type Intervention = 'call' | 'training' | 'webinar';

interface ClientState {
  client: DemoClient;
  w: WorldClient;
  /** A competitor's system in use (what a diagnostics call finds). */
  competitor: string | null;
  /** Share of the fee paid after a budget cut (1: pays in full). */
  pays: number;
}

const COMPETITORS = ['Гарант', 'Кодекс', 'Техэксперт'];

/** What the world did in a week (for the run's figures; the service sees only the CRM files). */
export interface WeekEvents {
  shocks: number;
  /** Clients the CRM shows disconnected this week. */
  disconnected: number[];
}

/** A client's own long-run health, from the generator's usage pattern and engagement (its history so far). */
function ownMean(c: DemoClient): number {
  const base = { steady: 0.75, low: 0.5, declining: 0.42, dead: 0.22 }[c.pattern];
  return base + { good: 0.06, dynamic: 0, risk: -0.06 }[c.engagement];
}

export class World {
  readonly settings: WorldConfig;
  private readonly rng: Rng;
  private readonly states: ClientState[];
  private readonly byNumber = new Map<number, ClientState>();

  constructor(
    readonly ric: DemoRic,
    seed: number,
    settings: WorldConfig = DEFAULT_WORLD,
  ) {
    this.settings = settings;
    this.rng = new Rng(seed ^ 0x5eed);
    this.states = ric.clients.map((client) => {
      const s: ClientState = {
        client,
        w: newClient(this.rng, settings, ownMean(client)),
        competitor: this.rng.chance(0.04) ? this.rng.pick(COMPETITORS) : null,
        pays: 1,
      };
      this.byNumber.set(client.number, s);
      return s;
    });
  }

  /** The hidden health of a client (the run's figures only; never shown to the service). */
  health(number: number): number | null {
    return this.byNumber.get(number)?.w.health ?? null;
  }

  competitorOf(number: number): string | null {
    return this.byNumber.get(number)?.competitor ?? null;
  }

  /** A held call, a training or a webinar visit: health improves with the configured chance. */
  intervene(number: number, kind: Intervention, rng: Rng): boolean {
    const s = this.byNumber.get(number);
    return s ? lift(rng, s.w, kind, this.settings) : false;
  }

  /**
   * One week of the world, Monday `monday` to Sunday: health moves, shocks happen, clients
   * leave, and the week's activity is appended to the client's CRM history.
   */
  week(monday: IsoDate): WeekEvents {
    const out: WeekEvents = { shocks: 0, disconnected: [] };
    const weekOfYear = isoWeekOf(monday).week;
    for (const s of this.states) {
      const c = s.client;
      if (c.state === 'disconnected' || c.state === 'liquidation') {
        c.activity.weekly = [...c.activity.weekly.slice(1), 0];
        continue;
      }
      const step = stepHealth(this.rng, s.w, weekOfYear, this.settings);
      if (step.shock) {
        out.shocks++;
        if (step.shock === 'new-chief-accountant') this.newKeyUser(c);
        if (step.shock === 'competitor-offer') s.competitor ??= this.rng.pick(COMPETITORS);
        if (step.shock === 'budget-cut') s.pays = 0.5;
      }
      this.activityOf(s, monday);
      if (this.rng.chance(weeklyHazard(s.w, this.settings, this.rng))) {
        c.state = 'disconnected';
        out.disconnected.push(c.number);
      }
    }
    return out;
  }

  /** A new chief accountant: the key user changes (the CRM's contacts show the new person). */
  private newKeyUser(c: DemoClient): void {
    const taken = new Set(c.contacts.map((k) => k.name));
    let p = person(this.rng);
    while (taken.has(fullName(p))) p = person(this.rng);
    const domain = c.contacts.find((k) => k.email)?.email?.split('@')[1] ?? `${c.number}.example`;
    const old = c.contacts.find((k) => k.keyUser);
    const fresh = {
      name: fullName(p),
      position: 'Главный бухгалтер',
      positionType: 'бухгалтер' as const,
      lpr: false,
      lvpr: false,
      keyUser: true,
      systemUser: true,
      email: `${translit(p.surname)}.${translit(p.first[0] ?? 'x')}@${domain}`,
      phone: old?.phone ?? '8-900-000-00-00',
      consent: true,
      frequency: null,
      interests: [],
    };
    c.contacts = [...c.contacts.filter((k) => k !== old), fresh];
  }

  /** The week's activity as the CRM records it: the world's observation of the client's health. */
  private activityOf(s: ClientState, monday: IsoDate): void {
    const a = s.client.activity;
    const r = this.rng;
    const h = s.w.health;
    const seen = observeWeek(r, s.w, this.settings);
    a.weekly = [...a.weekly.slice(1), seen.logins];
    const day = () => addDays(monday, r.int(0, 4));
    const someone = () => r.pick(s.client.contacts).name;
    for (let i = 0; i < seen.lkRequests; i++) a.lk.push({ date: day(), type: r.pick(LK_TYPES) });
    for (let i = 0; i < seen.webinarVisits; i++) a.webinars.push({ name: someone(), date: day(), title: r.pick(WEBINARS) });
    // Now and then a user takes a training, more likely at a healthy client.
    if (r.chance(0.02) && userTrained(r, s.w, this.settings))
      a.trainings.push({ name: someone(), date: day(), topic: r.pick(TRAINING_TOPICS) });
    if (r.chance(0.3 * h)) a.hotline.push({ date: day(), kind: r.chance(0.7) ? 'вопрос' : 'документ' });
    // The month's charge and payment, in the week the month starts.
    const sunday = addDays(monday, 6);
    if (sunday.slice(0, 7) !== monday.slice(0, 7) || parseIsoDate(monday).day === 1) {
      const month = `${sunday.slice(0, 7)}-01`;
      if (!a.payments.some((p) => p.month === month)) {
        const charged = s.client.fee;
        const paid = Math.round(charged * (h < 0.2 && r.chance(0.5) ? 0 : s.pays));
        const debt = (a.payments.at(-1)?.debt ?? 0) + charged - paid;
        a.payments = [...a.payments, { month, charged, paid, debt }].slice(-6);
      }
    }
  }

  /** The chance a person clicks a link of the month's e-mail: a healthier client clicks more. */
  clickChance(number: number): number {
    const h = this.health(number) ?? 0;
    return 0.05 + 0.45 * h;
  }

  /** The outcome of a call: the world's chance of reaching the client at its health; refusals among the rest. */
  callOutcome(number: number, rng: Rng): 'held' | 'held-with-login' | 'not-reached' | 'refused' {
    const s = this.byNumber.get(number);
    if (!s) return 'not-reached';
    if (callHeld(rng, s.w, this.settings)) return rng.chance(0.3 + 0.4 * s.w.health) ? 'held-with-login' : 'held';
    return rng.chance(0.85) ? 'not-reached' : 'refused';
  }
}
