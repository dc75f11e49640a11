/**
 * The demo's hidden world: each client has a health in [0, 1] that nobody at the desk sees. It
 * drifts week to week (a mean-reverting random walk with a seasonal swing and rare shocks: a new
 * chief accountant, a competitor's offer, a budget cut); a low health raises the weekly chance of
 * disconnection, with a lag and noise; the desk's interventions (a held call, a training, a
 * webinar visit) lift it with a configured probability and size; and the CRM's exports only
 * reflect it, through noisy observations with each channel's own per-client propensity.
 *
 * So the indicator, which reads the exports, can predict disconnection only as well as the
 * exports reflect health: its inputs never decide the outcome. Pure and seeded (every draw
 * comes from the `Rng` passed in), shared by the demo generator and the simulated desk.
 *
 * Typical use, one client over `weeks` weeks:
 *
 *   const rng = new Rng(seed);
 *   const c = newClient(rng, DEFAULT_WORLD);
 *   for (let t = 0; t < weeks; t++) {
 *     const step = stepHealth(rng, c, weekOfYear(t), DEFAULT_WORLD);   // drift, season, shocks
 *     if (callHeld) intervene(rng, c, 'call', DEFAULT_WORLD);         // the desk's work
 *     const seen = observeWeek(rng, c, DEFAULT_WORLD);                // what the CRM records
 *     if (rng.chance(weeklyHazard(c, DEFAULT_WORLD, rng))) { ... }    // the client leaves
 *   }
 */
import type { Rng } from './random.js';

export type ShockKind = 'new-chief-accountant' | 'competitor-offer' | 'budget-cut';
export type InterventionKind = 'call' | 'training' | 'webinar';

export interface WorldConfig {
  health: {
    /** Long-run mean health of the population and the spread of clients' own means. */
    mean: number;
    clientMeanSd: number;
    /** Share of the gap to the client's own mean closed each week (0: pure random walk). */
    reversion: number;
    /** Standard deviation of the weekly step. */
    weeklySd: number;
    /** Seasonal swing of the mean: amplitude and the ISO week of its lowest point (summer holidays). */
    seasonAmplitude: number;
    seasonLowWeek: number;
  };
  /** Per shock: the chance in any one week and the immediate drop of health. */
  shocks: Record<ShockKind, { weeklyChance: number; drop: number }>;
  hazard: {
    /** Weekly chance of leaving at health 1 and at health 0 (log-linear in between). */
    atBest: number;
    atWorst: number;
    /** Health is felt with this many weeks' delay (a decision to leave takes time). */
    lagWeeks: number;
    /** Standard deviation of the noise added to the lagged health before the hazard is read. */
    noiseSd: number;
  };
  /** Per intervention: the chance it helps, and by how much health rises when it does. */
  interventions: Record<InterventionKind, { chance: number; lift: number }>;
  observe: {
    /**
     * Logins a week at health 1 (Poisson mean), scaled by ((health − loginFloor) / (1 − loginFloor))^loginPower
     * and the client's propensity: at or below the floor nobody logs in (the system is not used).
     */
    loginsAtBest: number;
    loginPower: number;
    loginFloor: number;
    /** Personal-cabinet requests a week at health 1. */
    lkPerWeekAtBest: number;
    /** Webinar visits a week at health 1. */
    webinarsPerWeekAtBest: number;
    /** Chance a planned call reaches the decision maker: at health 0 and at health 1. */
    reachAtWorst: number;
    reachAtBest: number;
    /** Chance a system user is trained within two years: at health 0 and at health 1. */
    trainedAtWorst: number;
    trainedAtBest: number;
    /** Spread (log-normal sd) of a client's own propensity per channel: what health does not explain. */
    propensitySd: number;
  };
}

export const DEFAULT_WORLD: WorldConfig = {
  health: { mean: 0.62, clientMeanSd: 0.16, reversion: 0.08, weeklySd: 0.035, seasonAmplitude: 0.04, seasonLowWeek: 31 },
  shocks: {
    'new-chief-accountant': { weeklyChance: 0.004, drop: 0.18 },
    'competitor-offer': { weeklyChance: 0.003, drop: 0.22 },
    'budget-cut': { weeklyChance: 0.002, drop: 0.14 },
  },
  hazard: { atBest: 0.0005, atWorst: 0.06, lagWeeks: 4, noiseSd: 0.12 },
  interventions: {
    call: { chance: 0.35, lift: 0.04 },
    training: { chance: 0.5, lift: 0.06 },
    webinar: { chance: 0.3, lift: 0.03 },
  },
  observe: {
    loginsAtBest: 12,
    loginPower: 2,
    loginFloor: 0.3,
    lkPerWeekAtBest: 0.25,
    webinarsPerWeekAtBest: 0.12,
    reachAtWorst: 0.25,
    reachAtBest: 0.9,
    trainedAtWorst: 0.15,
    trainedAtBest: 0.85,
    propensitySd: 0.45,
  },
};

/** A client's own multipliers per channel (log-normal around 1): some healthy clients never use the cabinet. */
export interface Propensity {
  logins: number;
  lk: number;
  webinars: number;
  reach: number;
  training: number;
}

export interface WorldClient {
  /** The client's own long-run mean health. */
  mean: number;
  /** Health now. */
  health: number;
  /** Health of past weeks, oldest first, the current week last (for the hazard's lag). */
  history: number[];
  propensity: Propensity;
}

export interface HealthStep {
  health: number;
  shock: ShockKind | null;
}

/** What the CRM's exports record of one client-week. */
export interface Observation {
  logins: number;
  lkRequests: number;
  webinarVisits: number;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** A standard normal draw (Box–Muller on two uniform draws). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A Poisson draw (Knuth's product of uniforms; the means here are small). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** A new client: its own mean, a starting health near it, and its propensities. */
export function newClient(rng: Rng, cfg: WorldConfig = DEFAULT_WORLD, mean?: number): WorldClient {
  const own = clamp01(mean ?? cfg.health.mean + cfg.health.clientMeanSd * gaussian(rng));
  const health = clamp01(own + cfg.health.weeklySd * 2 * gaussian(rng));
  const lognormal = () => Math.exp(cfg.observe.propensitySd * gaussian(rng) - cfg.observe.propensitySd ** 2 / 2);
  return {
    mean: own,
    health,
    history: [health],
    propensity: { logins: lognormal(), lk: lognormal(), webinars: lognormal(), reach: lognormal(), training: lognormal() },
  };
}

/** The seasonal offset of the mean in ISO week `weekOfYear` (1…53): lowest in `seasonLowWeek`. */
export function seasonal(weekOfYear: number, cfg: WorldConfig = DEFAULT_WORLD): number {
  return -cfg.health.seasonAmplitude * Math.cos((2 * Math.PI * (weekOfYear - cfg.health.seasonLowWeek)) / 52);
}

/**
 * One week passes: health moves toward the client's mean (plus the season), takes a random
 * step and, rarely, a shock. Updates `c` and returns the new health and the shock, if any.
 */
export function stepHealth(rng: Rng, c: WorldClient, weekOfYear: number, cfg: WorldConfig = DEFAULT_WORLD): HealthStep {
  const target = c.mean + seasonal(weekOfYear, cfg);
  let h = c.health + cfg.health.reversion * (target - c.health) + cfg.health.weeklySd * gaussian(rng);
  let shock: ShockKind | null = null;
  // One draw per shock kind, every week, so a client's path does not depend on earlier shocks' order.
  for (const kind of Object.keys(cfg.shocks) as ShockKind[]) {
    const s = cfg.shocks[kind];
    if (rng.chance(s.weeklyChance) && shock === null) {
      shock = kind;
      h -= s.drop;
    }
  }
  c.health = clamp01(h);
  c.history.push(c.health);
  return { health: c.health, shock };
}

/** The desk's work: with the intervention's chance, health rises by its lift. Returns whether it helped. */
export function intervene(rng: Rng, c: WorldClient, kind: InterventionKind, cfg: WorldConfig = DEFAULT_WORLD): boolean {
  const i = cfg.interventions[kind];
  if (!rng.chance(i.chance)) return false;
  c.health = clamp01(c.health + i.lift);
  if (c.history.length) c.history[c.history.length - 1] = c.health;
  return true;
}

/** The weekly chance of leaving at a (felt) health: log-linear between `atWorst` (0) and `atBest` (1). */
export function hazardAt(health: number, cfg: WorldConfig = DEFAULT_WORLD): number {
  const h = clamp01(health);
  return Math.exp(Math.log(cfg.hazard.atWorst) * (1 - h) + Math.log(cfg.hazard.atBest) * h);
}

/**
 * This week's chance that the client leaves: the hazard of its health `lagWeeks` ago (its first
 * known week when younger), blurred by noise when an `rng` is given.
 */
export function weeklyHazard(c: WorldClient, cfg: WorldConfig = DEFAULT_WORLD, rng?: Rng): number {
  const at = Math.max(0, c.history.length - 1 - cfg.hazard.lagWeeks);
  const felt = (c.history[at] ?? c.health) + (rng ? cfg.hazard.noiseSd * gaussian(rng) : 0);
  return hazardAt(felt, cfg);
}

/** What the exports record of this week: logins, personal-cabinet requests, webinar visits. */
export function observeWeek(rng: Rng, c: WorldClient, cfg: WorldConfig = DEFAULT_WORLD): Observation {
  const o = cfg.observe;
  const h = c.health;
  return {
    logins: poisson(rng, o.loginsAtBest * Math.max(0, (h - o.loginFloor) / (1 - o.loginFloor)) ** o.loginPower * c.propensity.logins),
    lkRequests: poisson(rng, o.lkPerWeekAtBest * h * c.propensity.lk),
    webinarVisits: poisson(rng, o.webinarsPerWeekAtBest * h * c.propensity.webinars),
  };
}

/** Whether a call to the decision maker is held (reached) at this health. */
export function callHeld(rng: Rng, c: WorldClient, cfg: WorldConfig = DEFAULT_WORLD): boolean {
  const o = cfg.observe;
  return rng.chance(clamp01((o.reachAtWorst + (o.reachAtBest - o.reachAtWorst) * c.health) * c.propensity.reach));
}

/** Whether one system user of the client is trained (within two years) at this health. */
export function userTrained(rng: Rng, c: WorldClient, cfg: WorldConfig = DEFAULT_WORLD): boolean {
  const o = cfg.observe;
  return rng.chance(clamp01((o.trainedAtWorst + (o.trainedAtBest - o.trainedAtWorst) * c.health) * c.propensity.training));
}

export interface Trajectory {
  health: number[];
  shocks: { week: number; kind: ShockKind }[];
  /** The week (index) the client left, or null when it stayed. */
  leftAt: number | null;
}

/**
 * A client's path over `weeks` weeks starting in ISO week `firstWeekOfYear`, without the desk's
 * work: health each week, the shocks, and the week it left (after which nothing is recorded).
 */
export function simulateHealth(
  rng: Rng,
  c: WorldClient,
  weeks: number,
  firstWeekOfYear: number,
  cfg: WorldConfig = DEFAULT_WORLD,
): Trajectory {
  const out: Trajectory = { health: [], shocks: [], leftAt: null };
  for (let t = 0; t < weeks; t++) {
    const step = stepHealth(rng, c, ((firstWeekOfYear - 1 + t) % 52) + 1, cfg);
    out.health.push(step.health);
    if (step.shock) out.shocks.push({ week: t, kind: step.shock });
    if (rng.chance(weeklyHazard(c, cfg, rng))) {
      out.leftAt = t;
      break;
    }
  }
  return out;
}
