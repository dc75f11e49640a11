/**
 * The simulation's options and settings, apart from the run itself so the admin script reads
 * them without loading the simulation: defaults, the database it uses, and the what-if file's
 * split into the service's configuration and the world's and the people's settings.
 */
import { DEFAULT_WORLD, type WorldConfig } from '../demo-data/world.js';

export const SIM_DEFAULTS = { clients: 200, weeks: 4, seed: 502, remote: 5, field: 3, start: '2024-07-01' } as const;

/**
 * The desk's staff when `--specialists` is not given: a remote specialist per 120 clients and a
 * field specialist per 250, at least 5 and 3 (200 clients: 5 and 3; 2 000: 17 and 8). A fixed
 * 5 and 3 for 2 000 clients leaves 400 clients to each remote specialist: by the fourth week
 * their overdue work no longer fits the diary's list.
 */
export function defaultSpecialists(clients: number): { remote: number; field: number } {
  return {
    remote: Math.max(SIM_DEFAULTS.remote, Math.round(clients / 120)),
    field: Math.max(SIM_DEFAULTS.field, Math.round(clients / 250)),
  };
}

export interface PeopleSettings {
  /** Each person's capacity is the planner's (`workload.*`, «Норма звонков в день») ± `spread`. */
  spread: number;
  /** Chance of a day off and of a short day (half the capacity). */
  dayOff: number;
  shortDay: number;
  /** Working days a field specialist takes to acknowledge an alert: [days, weight]. */
  ackDelayDays: [number, number][];
  /** A head moves work when a member has more than this many times the capacity open. */
  overflowFactor: number;
}

export const DEFAULT_PEOPLE: PeopleSettings = {
  spread: 0.2,
  dayOff: 0.05,
  shortDay: 0.15,
  ackDelayDays: [
    [0, 40],
    [1, 30],
    [2, 20],
    [4, 10],
  ],
  overflowFactor: 3,
};

export function splitSettings(settings: Record<string, unknown> = {}): {
  service: Record<string, unknown>;
  world: Partial<WorldConfig>;
  people: Partial<PeopleSettings>;
} {
  const { simulation, ...service } = settings as { simulation?: { world?: Partial<WorldConfig>; people?: Partial<PeopleSettings> } };
  const unknown = Object.keys(simulation ?? {}).filter((k) => k !== 'world' && k !== 'people');
  if (unknown.length) throw new Error(`simulation: unknown key ${unknown.map((k) => `"simulation.${k}"`).join(', ')} (world, people)`);
  for (const [name, given, known] of [
    ['world', simulation?.world, DEFAULT_WORLD],
    ['people', simulation?.people, DEFAULT_PEOPLE],
  ] as const) {
    const bad = Object.keys(given ?? {}).filter((k) => !(k in known));
    if (bad.length)
      throw new Error(`simulation.${name}: unknown key ${bad.map((k) => `"${k}"`).join(', ')} (${Object.keys(known).join(', ')})`);
  }
  return { service, world: simulation?.world ?? {}, people: simulation?.people ?? {} };
}

/** The database `admin simulate` uses: SIM_DATABASE_URL, else DATABASE_URL's server with `churnguard_sim`. */
export function simDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SIM_DATABASE_URL) return env.SIM_DATABASE_URL;
  const u = new URL(env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/churnguard');
  u.pathname = '/churnguard_sim';
  return u.toString();
}
