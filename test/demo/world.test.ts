import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/demo-data/random.js';
import {
  callHeld,
  DEFAULT_WORLD,
  hazardAt,
  intervene,
  newClient,
  observeWeek,
  seasonal,
  simulateHealth,
  stepHealth,
  type WorldConfig,
  weeklyHazard,
} from '../../src/demo-data/world.js';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A population of `n` clients followed for `weeks` weeks from ISO week 1. */
function population(seed: number, n: number, weeks: number, cfg: WorldConfig = DEFAULT_WORLD) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const c = newClient(rng, cfg);
    const start = c.health;
    return { start, client: c, path: simulateHealth(rng, c, weeks, 1, cfg) };
  });
}

describe('the demo world (hidden health)', () => {
  it('is the same for the same seed and different for another', () => {
    const a = population(7, 50, 30).map((p) => p.path);
    const b = population(7, 50, 30).map((p) => p.path);
    const c = population(8, 50, 30).map((p) => p.path);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('keeps health within [0, 1] and drifts around each client’s own mean', () => {
    const pop = population(11, 400, 104);
    for (const p of pop) for (const h of p.path.health) expect(h >= 0 && h <= 1).toBe(true);
    // A random walk moves: most clients are somewhere else after a year.
    const stayed = pop.filter((p) => p.path.leftAt === null);
    const moved = stayed.filter((p) => Math.abs((p.path.health[51] ?? 0) - p.start) > 0.05).length;
    expect(moved / stayed.length).toBeGreaterThan(0.5);
    // Mean reversion: over two years the population's health stays near the configured mean.
    const last = pop.filter((p) => p.path.leftAt === null).map((p) => p.path.health.at(-1) ?? 0);
    expect(Math.abs(mean(last) - DEFAULT_WORLD.health.mean)).toBeLessThan(0.08);
  });

  it('swings with the season: lowest in the configured week, highest half a year away', () => {
    const low = DEFAULT_WORLD.health.seasonLowWeek;
    expect(seasonal(low)).toBeCloseTo(-DEFAULT_WORLD.health.seasonAmplitude, 10);
    expect(seasonal(low + 26)).toBeCloseTo(DEFAULT_WORLD.health.seasonAmplitude, 10);
  });

  it('drops health by a shock when one happens', () => {
    const cfg: WorldConfig = {
      ...DEFAULT_WORLD,
      health: { ...DEFAULT_WORLD.health, weeklySd: 0, reversion: 0, seasonAmplitude: 0 },
      shocks: {
        'new-chief-accountant': { weeklyChance: 0, drop: 0.18 },
        'competitor-offer': { weeklyChance: 1, drop: 0.22 },
        'budget-cut': { weeklyChance: 0, drop: 0.14 },
      },
    };
    const rng = new Rng(3);
    const c = newClient(rng, cfg, 0.7);
    c.health = 0.7;
    const step = stepHealth(rng, c, 10, cfg);
    expect(step.shock).toBe('competitor-offer');
    expect(step.health).toBeCloseTo(0.48, 10);
  });

  it('reads the hazard from the health felt with a lag, higher when health is low', () => {
    expect(hazardAt(0)).toBeCloseTo(DEFAULT_WORLD.hazard.atWorst, 10);
    expect(hazardAt(1)).toBeCloseTo(DEFAULT_WORLD.hazard.atBest, 10);
    for (let h = 0; h < 1; h += 0.1) expect(hazardAt(h)).toBeGreaterThan(hazardAt(h + 0.1));
    const c = newClient(new Rng(1), DEFAULT_WORLD, 0.5);
    // Healthy for weeks, then a collapse this week: the hazard still reads the healthy past.
    c.history = [0.9, 0.9, 0.9, 0.9, 0.9, 0.05];
    c.health = 0.05;
    expect(weeklyHazard(c)).toBeCloseTo(hazardAt(0.9), 10);
    c.history.push(0.05, 0.05, 0.05, 0.05);
    expect(weeklyHazard(c)).toBeCloseTo(hazardAt(0.05), 10);
  });

  it('lets more clients of low health leave than of high health', () => {
    const pop = population(21, 3000, 52);
    const left = (ps: typeof pop) => ps.filter((p) => p.path.leftAt !== null).length / ps.length;
    const low = pop.filter((p) => p.start < 0.45);
    const high = pop.filter((p) => p.start > 0.75);
    expect(low.length).toBeGreaterThan(100);
    expect(high.length).toBeGreaterThan(100);
    expect(left(low)).toBeGreaterThan(2 * left(high));
    // …but not only them: some healthy clients leave too.
    expect(left(high)).toBeGreaterThan(0);
  });

  it('lifts health by an intervention with its configured chance and size', () => {
    const sure: WorldConfig = { ...DEFAULT_WORLD, interventions: { ...DEFAULT_WORLD.interventions, call: { chance: 1, lift: 0.1 } } };
    const never: WorldConfig = { ...DEFAULT_WORLD, interventions: { ...DEFAULT_WORLD.interventions, call: { chance: 0, lift: 0.1 } } };
    const rng = new Rng(5);
    const c = newClient(rng, sure, 0.5);
    c.health = 0.5;
    expect(intervene(rng, c, 'call', sure)).toBe(true);
    expect(c.health).toBeCloseTo(0.6, 10);
    expect(intervene(rng, c, 'call', never)).toBe(false);
    expect(c.health).toBeCloseTo(0.6, 10);
    c.health = 0.95;
    intervene(rng, c, 'call', sure);
    expect(c.health).toBe(1);
    // Over many tries the share that helps is near the configured chance.
    let helped = 0;
    for (let i = 0; i < 4000; i++) if (intervene(rng, { ...c, history: [] }, 'training')) helped++;
    expect(helped / 4000).toBeCloseTo(DEFAULT_WORLD.interventions.training.chance, 1);
  });

  it('shows health in the exports only with noise: healthier clients log in, call back and ask more on average', () => {
    const rng = new Rng(9);
    const observe = (h: number) => {
      const weeks = Array.from({ length: 2000 }, () => {
        const c = newClient(rng, DEFAULT_WORLD, h);
        c.health = h;
        return { ...observeWeek(rng, c), held: callHeld(rng, c) ? 1 : 0 };
      });
      return {
        logins: mean(weeks.map((w) => w.logins)),
        lk: mean(weeks.map((w) => w.lkRequests)),
        webinars: mean(weeks.map((w) => w.webinarVisits)),
        held: mean(weeks.map((w) => w.held)),
        zeroLogins: weeks.filter((w) => w.logins === 0).length / weeks.length,
      };
    };
    const sick = observe(0.25);
    const middling = observe(0.5);
    const well = observe(0.85);
    expect(well.logins).toBeGreaterThan(2 * middling.logins);
    expect(middling.logins).toBeGreaterThan(sick.logins);
    // At the floor of health nobody logs in: the system is not used.
    expect(sick.logins).toBe(0);
    expect(well.lk).toBeGreaterThan(sick.lk);
    expect(well.webinars).toBeGreaterThan(sick.webinars);
    expect(well.held).toBeGreaterThan(sick.held);
    // Noise: a healthy client also has weeks without a login; a middling one has both kinds of weeks.
    expect(well.zeroLogins).toBeGreaterThan(0);
    expect(middling.zeroLogins).toBeGreaterThan(0.1);
    expect(middling.zeroLogins).toBeLessThan(0.9);
  });
});
