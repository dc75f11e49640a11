/**
 * The demo RIC as plain data: departments and specialists, clients with their contacts
 * (an earlier and the current snapshot, so key-person changes come through the importer),
 * and everything the CRM exports about them. Deterministic for a seed, relative to `today`.
 */
import { addDays, addMonths, type IsoDate } from '../domain/dates.js';
import { type ClientActivity, clientActivity } from './activity.js';
import { fullName, organisation, type Person, POSITIONS, PROBLEM_AREAS, person, shortName, translit } from './names.js';
import { Rng } from './random.js';
import { DEFAULT_WORLD, newClient as newWorldClient } from './world.js';

export interface DemoEmployee {
  person: Person;
  department: string;
  role: 'remote' | 'field' | 'head';
  email: string;
  phone: string;
}

export interface DemoContact {
  name: string;
  position: string;
  positionType: 'руководитель' | 'бухгалтер' | 'юрист' | 'кадровик' | 'экономист' | 'специалист по охране труда';
  lpr: boolean;
  lvpr: boolean;
  keyUser: boolean;
  systemUser: boolean;
  email: string | null;
  phone: string;
  consent: boolean;
  frequency: number | null;
  interests: string[];
}

/**
 * How the client's usage looks from outside (read off its logins, for the export's «Актив...»
 * column and the story), and its hidden health now, in words. Neither decides anything: the
 * hidden health of src/demo-data/world.ts drives the activity.
 */
export type UsagePattern = 'steady' | 'low' | 'declining' | 'dead';
export type Engagement = 'good' | 'dynamic' | 'risk';

function observed(a: ClientActivity, state: DemoClient['state']): { pattern: UsagePattern; engagement: Engagement } {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  const last6 = a.weekly.slice(-6);
  const early = mean(a.weekly.slice(0, 16));
  const late = mean(a.weekly.slice(-10));
  const pattern: UsagePattern =
    state === 'disconnected' || mean(last6) === 0 ? 'dead' : late < early * 0.5 ? 'declining' : late < 2 ? 'low' : 'steady';
  const h = a.health.at(-1) ?? 0;
  return { pattern, engagement: h >= 0.6 ? 'good' : h >= 0.4 ? 'dynamic' : 'risk' };
}

export interface DemoClient {
  number: number;
  name: string;
  category: 'A' | 'B' | 'C';
  fee: number;
  state: 'served' | 'primary_advance' | 'disconnected' | 'reorganization' | 'liquidation';
  connected: IsoDate;
  primaryAdvanceUntil: IsoDate | null;
  remote: DemoEmployee;
  field: DemoEmployee | null;
  flags: ('double' | 'retention')[];
  pattern: UsagePattern;
  engagement: Engagement;
  /** The earlier contacts snapshot (differs from `contacts` at clients with a key-person change). */
  contactsBefore: DemoContact[];
  contacts: DemoContact[];
  activity: ClientActivity;
}

export interface DemoRic {
  today: IsoDate;
  departments: string[];
  employees: DemoEmployee[];
  clients: DemoClient[];
}

const DEPARTMENTS = ['Дистанционный сервис 1_502', 'Дистанционный сервис 2_502', 'Сопровождение_502'];

function phone(rng: Rng): string {
  return `8-9${rng.int(0, 9)}${rng.int(0, 9)}-${rng.int(100, 999)}-${rng.int(10, 99)}-${rng.int(10, 99)}`;
}

/** 3 departments with a head each; 5 remote and 3 field specialists, short names all distinct. */
function staff(rng: Rng): DemoEmployee[] {
  const taken = new Set<string>();
  const out: DemoEmployee[] = [];
  const add = (department: string, role: DemoEmployee['role']) => {
    let p = person(rng);
    while (taken.has(p.surname) || taken.has(shortName(p))) p = person(rng);
    taken.add(p.surname);
    taken.add(shortName(p));
    out.push({ person: p, department, role, email: `${translit(p.surname)}@ric502.example`, phone: phone(rng) });
  };
  for (const d of DEPARTMENTS) add(d, 'head');
  for (const d of [DEPARTMENTS[0], DEPARTMENTS[0], DEPARTMENTS[0], DEPARTMENTS[1], DEPARTMENTS[1]]) add(d as string, 'remote');
  for (let i = 0; i < 3; i++) add(DEPARTMENTS[2] as string, 'field');
  return out;
}

/**
 * A contact person; `taken` holds the names already used at the client, so a client never
 * lists one name twice (its import would rightly refuse the repeat).
 */
function contact(
  rng: Rng,
  domain: string | null,
  kind: keyof typeof POSITIONS,
  roles: Partial<DemoContact>,
  taken: Set<string>,
): DemoContact {
  let p = person(rng);
  while (taken.has(fullName(p))) p = person(rng);
  taken.add(fullName(p));
  const positionType = (
    {
      director: 'руководитель',
      accountant: 'бухгалтер',
      lawyer: 'юрист',
      hr: 'кадровик',
      economist: 'экономист',
      safety: 'специалист по охране труда',
    } as const
  )[kind];
  return {
    name: fullName(p),
    position: rng.pick(POSITIONS[kind]),
    positionType,
    lpr: false,
    lvpr: false,
    keyUser: false,
    systemUser: true,
    // A few have no address on file: the contacts report shows whom the desk cannot reach.
    email: domain && rng.chance(0.92) ? `${translit(p.surname)}.${translit(p.first[0] ?? 'x')}@${domain}` : null,
    phone: phone(rng),
    consent: rng.chance(0.86),
    frequency: rng.chance(0.15) ? rng.pick([2, 3]) : null,
    interests: rng.chance(0.5) ? rng.shuffle(PROBLEM_AREAS).slice(0, rng.int(1, 3)) : [],
    ...roles,
  };
}

function contactsOf(rng: Rng, domain: string): DemoContact[] {
  const lprKind = rng.chance(0.7) ? 'director' : 'accountant';
  const taken = new Set<string>();
  const list = [contact(rng, domain, lprKind, { lpr: true, systemUser: rng.chance(0.4) }, taken)];
  if (rng.chance(0.7)) list.push(contact(rng, domain, rng.pick(['economist', 'lawyer', 'hr'] as const), { lvpr: true }, taken));
  list.push(contact(rng, domain, 'accountant', { keyUser: true }, taken));
  for (let i = rng.int(0, 2); i > 0; i--)
    list.push(contact(rng, domain, rng.pick(['lawyer', 'hr', 'safety', 'accountant'] as const), {}, taken));
  return list;
}

/** An earlier snapshot in which someone else held a key role, or a key person was still listed. */
function earlierContacts(rng: Rng, domain: string, now: DemoContact[]): DemoContact[] {
  const change = rng.pick(['lpr', 'key_user', 'lvpr-left'] as const);
  const taken = new Set(now.map((c) => c.name));
  if (change === 'lvpr-left') return [...now, contact(rng, domain, 'economist', { lvpr: true }, taken)];
  const flag = change === 'lpr' ? 'lpr' : 'keyUser';
  const predecessor = contact(rng, domain, change === 'lpr' ? 'director' : 'accountant', { [flag]: true }, taken);
  return [...now.map((c) => (c[flag] ? { ...c, [flag]: false } : c)), predecessor];
}

export interface GenerateOptions {
  clients: number;
  seed: number;
  today: IsoDate;
}

export function generateRic(opts: GenerateOptions): DemoRic {
  const rng = new Rng(opts.seed);
  const employees = staff(rng);
  const remote = employees.filter((e) => e.role === 'remote');
  const field = employees.filter((e) => e.role === 'field');
  const clients: DemoClient[] = [];
  for (let i = 0; i < opts.clients; i++) {
    const number = 190000 + i * 331 + rng.int(0, 300);
    const category = rng.weighted([
      ['A', 2],
      ['B', 4.5],
      ['C', 3.5],
    ] as const);
    const fee = Math.round(
      (category === 'A' ? rng.int(16, 45) : category === 'B' ? rng.int(9, 22) : rng.int(3, 14)) * 1000 + rng.int(0, 9) * 100,
    );
    const state = rng.weighted([
      ['served', 86],
      ['primary_advance', 6],
      ['reorganization', 2.5],
      ['liquidation', 1.5],
      ['disconnected', 4],
    ] as const);
    // The hidden health of the client (src/demo-data/world.ts), drawn from its own stream so the
    // rest of the RIC does not depend on it; a disconnected client's was low.
    const wrng = new Rng((opts.seed * 1_000_003 + i * 7_919 + 17) >>> 0);
    const world = newWorldClient(wrng, DEFAULT_WORLD, state === 'disconnected' ? 0.15 + 0.15 * wrng.next() : undefined);
    const newClient = state === 'primary_advance';
    // Some clients connected within the last year and went through a primary advance of one or two
    // months: most were brought out of it, several disconnected (the seed's closing chart). Derived
    // from the index, not drawn, so the rest of the RIC stays as it was.
    const recent = !newClient && (state === 'disconnected' ? i % 3 !== 0 : i % 7 === 3);
    const drawn = newClient ? addDays(opts.today, -rng.int(40, 150)) : addMonths(opts.today, -rng.int(14, 120));
    const connected = recent ? addDays(addMonths(opts.today, -(3 + (i % 10))), -(i % 20)) : drawn;
    const head = person(rng);
    const name = organisation(rng, `${head.surname} ${head.first} ${head.patronymic}`);
    // One client writes from a Cyrillic domain; everyone else from reserved example domains.
    const domain = i === 3 ? 'пример.рф' : `${translit(name).slice(0, 20).replace(/-$/, '')}-${number}.example`;
    const contacts = contactsOf(rng, domain);
    // A few clients (about one in forty) changed an ЛПР, ЛВПР or key user since the earlier snapshot.
    const keyChange = state !== 'disconnected' && i % 37 === 5;
    const activity = clientActivity(wrng, { today: opts.today, contacts, state, fee, index: i, world });
    clients.push({
      number,
      name,
      category,
      fee,
      state,
      connected,
      // Several primary advances end within two weeks: new clients at risk.
      primaryAdvanceUntil: newClient
        ? addDays(opts.today, rng.chance(0.5) ? rng.int(3, 14) : rng.int(15, 45))
        : recent
          ? addMonths(connected, 1 + (i % 2))
          : null,
      remote: remote[i % remote.length] as DemoEmployee,
      field: rng.chance(0.8) ? (field[i % field.length] as DemoEmployee) : null,
      flags: [...(rng.chance(0.06) ? (['double'] as const) : []), ...(rng.chance(0.06) ? (['retention'] as const) : [])],
      ...observed(activity, state),
      contactsBefore: keyChange ? earlierContacts(rng, domain, contacts) : contacts,
      contacts,
      activity,
    });
  }
  return { today: opts.today, departments: DEPARTMENTS, employees, clients };
}
