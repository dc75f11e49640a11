/**
 * The simulated RIC's world: each client's hidden health (0..1) drifts week by week — a random
 * walk pulled towards the client's own level, a seasonal swing (the summer holidays, the
 * year's end), and shocks (a new chief accountant, a competitor's offer, a budget cut) — and
 * shows only through what the CRM exports: logins, ЛК requests, webinar visits, trainings,
 * hotline questions, payments, key-person changes and state changes. A client disconnects
 * with a chance that rises as health falls, a lag of weeks after the decision, and noise.
 *
 * Nothing here reads churnguard's indicator or its components; the only way in is
 * `intervene` (a held call, a training, a webinar visit), which improves health with the
 * configured chance and size. Pure and seeded: the same seed and the same interventions give
 * the same world.
 */

import type { DemoClient, DemoRic } from '../demo-data/model.js';
import { fullName, LK_TYPES, person, TRAINING_TOPICS, translit, WEBINARS } from '../demo-data/names.js';
import { Rng } from '../demo-data/random.js';
import { addDays, type IsoDate, parseIsoDate } from '../domain/dates.js';

export interface WorldSettings {
  /** Weekly random-walk step (standard deviation) and the pull towards the client's own level. */
  drift: number;
  pull: number;
  /** Amplitude of the seasonal swing (summer dip, year-end rise). */
  season: number;
  /** Weekly chance of a shock per client, and how much a shock takes from health. */
  shockChance: number;
  shockSize: number;
  /** Weekly hazard of deciding to leave: `base + scale / (1 + e^(k·(health − centre)))`. */
  leaveBase: number;
  leaveScale: number;
  leaveCentre: number;
  leaveSteepness: number;
  /** Weeks between the decision and the disconnection the CRM shows (min..max). */
  leaveLagWeeks: [number, number];
  /** Chance and size of a health gain from a held call, a training, a webinar visit. */
  callGain: { chance: number; size: number };
  trainingGain: { chance: number; size: number };
  webinarGain: { chance: number; size: number };
}

export const DEFAULT_WORLD: WorldSettings = {
  drift: 0.035,
  pull: 0.04,
  season: 0.02,
  shockChance: 0.006,
  shockSize: 0.25,
  leaveBase: 0.0005,
  leaveScale: 0.03,
  leaveCentre: 0.3,
  leaveSteepness: 14,
  leaveLagWeeks: [2, 8],
  callGain: { chance: 0.35, size: 0.08 },
  trainingGain: { chance: 0.6, size: 0.1 },
  webinarGain: { chance: 0.3, size: 0.05 },
};

export type ShockKind = 'new-accountant' | 'competitor-offer' | 'budget-cut';
export type Intervention = 'call' | 'training' | 'webinar';

interface ClientState {
  client: DemoClient;
  health: number;
  /** The level the walk is pulled towards. */
  level: number;
  /** Logins a fully healthy week gives. */
  loginBase: number;
  /** The week the CRM shows the client disconnected, once it decided to leave. */
  leavesOn: IsoDate | null;
  /** A competitor's system in use (what a diagnostics call finds). */
  competitor: string | null;
  /** Share of the fee paid after a budget cut (1: pays in full). */
  pays: number;
}

const COMPETITORS = ['Гарант', 'Кодекс', 'Техэксперт'];

/** What the world did in a week (for the run's figures; the service sees only the CRM files). */
export interface WeekEvents {
  shocks: Record<ShockKind, number>;
  /** Clients the CRM shows disconnected this week. */
  disconnected: number[];
  decided: number;
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));

function initialHealth(rng: Rng, c: DemoClient): number {
  const base = { steady: 0.78, low: 0.5, declining: 0.42, dead: 0.2 }[c.pattern];
  const adj = { good: 0.08, dynamic: 0, risk: -0.08 }[c.engagement];
  return clamp(base + adj + (rng.next() - 0.5) * 0.2);
}

export class World {
  readonly settings: WorldSettings;
  private readonly rng: Rng;
  private readonly states: ClientState[];
  private readonly byNumber = new Map<number, ClientState>();

  constructor(
    readonly ric: DemoRic,
    seed: number,
    settings: Partial<WorldSettings> = {},
  ) {
    this.settings = { ...DEFAULT_WORLD, ...settings };
    this.rng = new Rng(seed ^ 0x5eed);
    this.states = ric.clients.map((client) => {
      const health = initialHealth(this.rng, client);
      const recent = client.activity.weekly.slice(-8);
      const loginBase = Math.max(2, Math.round(Math.max(...recent, 4) / Math.max(0.3, health)));
      const s: ClientState = {
        client,
        health,
        level: health,
        loginBase,
        leavesOn: null,
        competitor: this.rng.chance(0.04) ? this.rng.pick(COMPETITORS) : null,
        pays: 1,
      };
      this.byNumber.set(client.number, s);
      return s;
    });
  }

  /** The hidden health of a client (the run's figures only; never shown to the service). */
  health(number: number): number | null {
    return this.byNumber.get(number)?.health ?? null;
  }

  competitorOf(number: number): string | null {
    return this.byNumber.get(number)?.competitor ?? null;
  }

  /** A served client (the CRM shows it connected). */
  isServed(number: number): boolean {
    const s = this.byNumber.get(number);
    return Boolean(s && s.client.state !== 'disconnected' && s.client.state !== 'liquidation');
  }

  /** Seasonal pull for the week starting `monday`: a dip over the summer holidays, a rise before the year's end. */
  private seasonal(monday: IsoDate): number {
    const { month } = parseIsoDate(monday);
    if (month === 7 || month === 8) return -this.settings.season;
    if (month === 11 || month === 12) return this.settings.season;
    return 0;
  }

  /** A held call, a training or a webinar visit: health improves with the configured chance. */
  intervene(number: number, kind: Intervention, rng: Rng): boolean {
    const s = this.byNumber.get(number);
    if (!s) return false;
    const gain = kind === 'call' ? this.settings.callGain : kind === 'training' ? this.settings.trainingGain : this.settings.webinarGain;
    if (!rng.chance(gain.chance)) return false;
    s.health = clamp(s.health + gain.size);
    s.level = clamp(s.level + gain.size / 2);
    return true;
  }

  /**
   * One week of the world, Monday `monday` to Sunday: health moves, shocks happen, clients
   * decide to leave or leave, and the week's activity is appended to the client's CRM history.
   */
  week(monday: IsoDate): WeekEvents {
    const st = this.settings;
    const out: WeekEvents = { shocks: { 'new-accountant': 0, 'competitor-offer': 0, 'budget-cut': 0 }, disconnected: [], decided: 0 };
    const season = this.seasonal(monday);
    for (const s of this.states) {
      const c = s.client;
      // Every client draws the same number of times whatever happens, so one client's fate
      // never shifts another's.
      const step = (this.rng.next() + this.rng.next() + this.rng.next() - 1.5) * st.drift * 2;
      const shockDraw = this.rng.next();
      const shockKind = this.rng.pick(['new-accountant', 'competitor-offer', 'budget-cut'] as const);
      const leaveDraw = this.rng.next();
      const lag = this.rng.int(st.leaveLagWeeks[0], st.leaveLagWeeks[1]);
      const activity = this.rng.next();
      if (c.state === 'disconnected' || c.state === 'liquidation') {
        c.activity.weekly = [...c.activity.weekly.slice(1), 0];
        continue;
      }
      s.health = clamp(s.health + step + st.pull * (s.level - s.health) + season);
      if (shockDraw < st.shockChance) {
        out.shocks[shockKind]++;
        s.health = clamp(s.health - st.shockSize * (0.5 + activity));
        s.level = clamp(s.level - st.shockSize / 3);
        if (shockKind === 'new-accountant') this.newKeyUser(c);
        if (shockKind === 'competitor-offer') s.competitor ??= this.rng.pick(COMPETITORS);
        if (shockKind === 'budget-cut') s.pays = 0.5;
      }
      if (s.leavesOn === null) {
        const hazard = st.leaveBase + st.leaveScale / (1 + Math.exp(st.leaveSteepness * (s.health - st.leaveCentre)));
        if (leaveDraw < hazard) {
          s.leavesOn = addDays(monday, 7 * lag + (lag % 5));
          out.decided++;
        }
      }
      if (s.leavesOn !== null && s.leavesOn <= addDays(monday, 6)) {
        c.state = 'disconnected';
        out.disconnected.push(c.number);
      }
      this.activityOf(s, monday);
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

  /** The week's activity as the CRM records it, drawn from health. */
  private activityOf(s: ClientState, monday: IsoDate): void {
    const a = s.client.activity;
    const h = s.health;
    const r = this.rng;
    const mean = s.loginBase * h * h;
    const logins = Math.max(0, Math.round(mean * (0.6 + r.next() * 0.8)));
    a.weekly = [...a.weekly.slice(1), logins];
    const day = () => addDays(monday, r.int(0, 4));
    const someone = () => r.pick(s.client.contacts).name;
    if (r.chance(0.25 * h)) a.lk.push({ date: day(), type: r.pick(LK_TYPES) });
    if (r.chance(0.06 * h)) a.webinars.push({ name: someone(), date: day(), title: r.pick(WEBINARS) });
    if (r.chance(0.015 * h)) a.trainings.push({ name: someone(), date: day(), topic: r.pick(TRAINING_TOPICS) });
    if (r.chance(0.3 * h)) a.hotline.push({ date: day(), kind: r.chance(0.7) ? 'вопрос' : 'документ' });
    // The month's charge and payment, in the first week of a month.
    const sunday = addDays(monday, 6);
    if (sunday.slice(0, 7) !== monday.slice(0, 7) || monday.slice(8) === '01') {
      const month = `${sunday.slice(0, 7)}-01`;
      if (!a.payments.some((p) => p.month === month)) {
        const charged = s.client.fee;
        const paid = Math.round(charged * (h < 0.2 && r.chance(0.5) ? 0 : s.pays));
        const debt = (a.payments.at(-1)?.debt ?? 0) + charged - paid;
        a.payments = [...a.payments, { month, charged, paid, debt }].slice(-6);
      }
    }
  }

  /** A training the desk arranged (the CRM records it), with its effect on health. */
  recordTraining(number: number, on: IsoDate, rng: Rng): void {
    const s = this.byNumber.get(number);
    if (!s) return;
    s.client.activity.trainings.push({ name: rng.pick(s.client.contacts).name, date: on, topic: rng.pick(TRAINING_TOPICS) });
    this.intervene(number, 'training', rng);
  }

  /** The chance a person clicks a link of the month's e-mail: a healthier client clicks more. */
  clickChance(number: number): number {
    const h = this.health(number) ?? 0;
    return 0.05 + 0.45 * h;
  }

  /** The outcome of a call: reached more often, refusing less, at a healthier client. */
  callOutcome(number: number, rng: Rng): 'held' | 'held-with-login' | 'not-reached' | 'refused' {
    const h = this.health(number) ?? 0;
    const x = rng.next();
    if (x < 0.15 + 0.55 * h) return rng.chance(0.3 + 0.4 * h) ? 'held-with-login' : 'held';
    if (x < 0.93 - 0.05 * h) return 'not-reached';
    return 'refused';
  }

  served(): ClientState['client'][] {
    return this.states.map((s) => s.client).filter((c) => c.state !== 'disconnected' && c.state !== 'liquidation');
  }
}
