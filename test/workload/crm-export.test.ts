/**
 * The daily export to the CRM (`crm-export`) on the real PostgreSQL and Redis, through the
 * admin script: the previous working day's contact events and tasks are written once to
 * var/outbox/crm/<day>-<kind>.tsv, atomically (only whole files ever appear under their names:
 * written under a temporary name, then renamed), a second run writes nothing even after the CRM
 * took the files away, `status` shows the last export, and the CRM's echo of the exported
 * «Работы» is matched to the contacts recorded here (no double counting).
 */
import { type FSWatcher, mkdirSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { insertTasks, type NewTask } from '../../src/db/tasks.js';
import { CRM_CONTACT_EVENT_COLUMNS } from '../../src/domain/crm-columns.js';
import { zonedTime } from '../../src/domain/dates.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { waitFor } from '../helpers/wait.js';
import { cli } from '../imports/helpers.js';

let t: TestEnv;
let outbox: string;
let client: number;
let lukina: number;
const TZ = 'Europe/Moscow';
const at = (day: string, h: number) => zonedTime(day, h, 0, TZ);
const MON = '2024-06-03';
const TUE = '2024-06-04';
const MANY = 400;
const taskIds: number[] = [];

const lines = (path: string) =>
  iconv
    .decode(readFileSync(path), 'win1251')
    .split('\r\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));

async function events() {
  const { rows } = await t.app.pool.query(
    'SELECT id, task_id, crm_number, outcome, import_id FROM contact_events WHERE client_id = $1 ORDER BY id',
    [client],
  );
  return rows;
}

beforeAll(async () => {
  t = await createTestEnv();
  outbox = join(t.varDir, 'outbox', 'crm');
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Дистанционный сервис_502');
  lukina = await addEmployee(db, { name: 'Лукина Елена Ивановна', role: 'remote', departmentId: dep });
  client = await addClient(db, { number: 204036, name: 'БЗМИ ООО', remoteId: lukina });
  const lpr = await addContact(db, { clientId: client, fullName: 'Иванова Мария Петровна', isLpr: true });
  // Monday's work: a call to the ЛПР, and many other tasks (a file of some size), all planned on Monday.
  const others = await Promise.all(Array.from({ length: 20 }, () => addClient(db, { remoteId: lukina })));
  const tasks: NewTask[] = [
    {
      kind: 'lpr-call',
      title: 'Звонок ЛПР по рассылке',
      assigneeId: lukina,
      clientId: client,
      contactId: lpr,
      plannedAt: at(MON, 9),
      dueAt: at(MON, 18),
      dedupKey: 'crm-export.lpr',
      createdBy: 'test',
    },
    ...Array.from({ length: MANY }, (_, i) => ({
      kind: 'risk-review',
      title: `Разбор риска: причина и план № ${i + 1} — обучить, проработать вебинары, задать пробный запрос на ГЛ`,
      assigneeId: lukina,
      clientId: others[i % others.length] as number,
      plannedAt: at(MON, 10),
      dueAt: at('2024-06-07', 18),
      dedupKey: `crm-export.many.${i}`,
      createdBy: 'test',
    })),
    // Tuesday's: not in Monday's file.
    {
      kind: 'risk-review',
      title: 'Разбор риска во вторник',
      assigneeId: lukina,
      clientId: client,
      plannedAt: at(TUE, 10),
      dueAt: at(TUE, 18),
      dedupKey: 'crm-export.tuesday',
      createdBy: 'test',
    },
  ];
  const ids = await insertTasks(db, tasks, at(MON, 8));
  taskIds.push(...ids.values());
  // The call held on Monday afternoon, recorded here (the contact event the CRM must get).
  const lprTask = ids.get('crm-export.lpr') as number;
  const done = await cli(
    t,
    'task',
    'done',
    String(lprTask),
    '--outcome',
    'held',
    '--note',
    'обучить, проработать вебинары',
    '--now',
    '2024-06-03T15:00:00+03:00',
  );
  expect(done.code, done.err).toBe(0);
});
afterAll(async () => {
  setClock(null);
  await t?.close();
});

describe('the daily crm-export', () => {
  const eventsFile = () => join(outbox, `${MON}-contact-events.tsv`);
  const tasksFile = () => join(outbox, `${MON}-tasks.tsv`);

  it('writes the previous working day’s contact events and tasks, each file appearing whole under its name', async () => {
    mkdirSync(outbox, { recursive: true });
    // Everything that happens in the folder, and every look at a file under its final name while the export runs.
    const seen: { type: string; name: string }[] = [];
    const watcher: FSWatcher = watch(outbox, (type, name) => seen.push({ type, name: String(name) }));
    const sizes = new Map<string, Set<number>>();
    const look = setInterval(() => {
      for (const name of readdirSync(outbox).filter((n) => n.endsWith('.tsv'))) {
        try {
          const s = sizes.get(name) ?? new Set<number>();
          s.add(readFileSync(join(outbox, name)).length);
          sizes.set(name, s);
        } catch {}
      }
    }, 0);
    try {
      const res = await cli(t, 'trigger', 'crm-export', '--inline', '--period', TUE, '--now', '2024-06-04T06:00:00+03:00', '--json');
      expect(res.code, res.err).toBe(0);
      const out = JSON.parse(res.out);
      expect(out).toMatchObject({ job: 'crm-export', period: TUE, status: 'completed' });
      expect(out.stats).toMatchObject({
        day: MON,
        files: [eventsFile(), tasksFile()],
        rows: { [`${MON} contact-events`]: 1, [`${MON} tasks`]: MANY + 1 },
        alreadyWritten: 0,
      });
      await waitFor('both files renamed into the outbox', () => seen.filter((e) => !e.name.startsWith('.')).length >= 2, 5000);
    } finally {
      clearInterval(look);
      watcher.close();
    }
    // Only the two files are left (no temporary one), and they are whole.
    expect(readdirSync(outbox).sort()).toEqual([`${MON}-contact-events.tsv`, `${MON}-tasks.tsv`]);
    const tasks = lines(tasksFile());
    expect(tasks).toHaveLength(MANY + 2);
    expect(tasks[0]).toContain('Комментарий к действию');
    expect(tasks.slice(1).map((r) => /\[cg:task (\d+)\]/.exec(r[r.length - 1] as string)?.[1])).toEqual(
      taskIds.slice(0, MANY + 1).map(String),
    );
    const ev = lines(eventsFile());
    expect(ev[0]).toEqual([...CRM_CONTACT_EVENT_COLUMNS]);
    expect(ev.slice(1)).toEqual([
      [
        '',
        '204036',
        'Иванова Мария Петровна',
        'Лукина Елена Ивановна',
        'Телефонный звонок',
        '03.06.2024 15:00:00',
        'Контакт состоялся',
        'Звонок ЛПР по рассылке',
        `обучить, проработать вебинары [cg:task ${taskIds[0]}]`,
        'Контакт состоялся',
      ],
    ]);
    // Atomic: under its final name a file was never written to, only renamed onto (from a hidden
    // temporary name in the same folder), and every look at it found it whole.
    const finals = seen.filter((e) => !e.name.startsWith('.'));
    expect(finals.map((e) => e.type)).toEqual(finals.map(() => 'rename'));
    expect(new Set(seen.filter((e) => e.name.startsWith('.')).map((e) => e.name))).toEqual(
      new Set([`.${MON}-contact-events.tsv.tmp`, `.${MON}-tasks.tsv.tmp`]),
    );
    for (const [name, s] of sizes) expect([...s], name).toEqual([statSync(join(outbox, name)).size]);
  });

  it('writes nothing on a second run for the same day, even forced and after the CRM took the files away', async () => {
    const before = statSync(tasksFile()).mtimeMs;
    const again = await cli(t, 'trigger', 'crm-export', '--inline', '--period', TUE, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ status: 'skipped', reason: 'period already completed' });
    const forced = await cli(t, 'trigger', 'crm-export', '--inline', '--period', TUE, '--force', '--json');
    expect(JSON.parse(forced.out)).toMatchObject({ status: 'completed', stats: { day: MON, files: [], alreadyWritten: 2 } });
    expect(statSync(tasksFile()).mtimeMs).toBe(before);
    // The CRM picked the files up: still nothing written again.
    const taken = join(t.varDir, 'taken');
    mkdirSync(taken);
    for (const f of [eventsFile(), tasksFile()]) writeFileSync(join(taken, f.split('/').pop() as string), readFileSync(f));
    for (const f of [eventsFile(), tasksFile()]) rmSync(f);
    const thrice = await cli(t, 'trigger', 'crm-export', '--inline', '--period', TUE, '--force', '--json');
    expect(JSON.parse(thrice.out)).toMatchObject({ status: 'completed', stats: { files: [], alreadyWritten: 2 } });
    expect(readdirSync(outbox)).toEqual([]);
    for (const f of readdirSync(taken)) writeFileSync(join(outbox, f), readFileSync(join(taken, f)));
  });

  it('admin status shows the last export: its day, files and rows', async () => {
    const json = await cli(t, 'status', '--json');
    expect(json.code, json.err).toBe(0);
    expect(JSON.parse(json.out).crmExport).toMatchObject({
      date: MON,
      rows: MANY + 2,
      files: [
        { kind: 'contact-events', file: eventsFile(), rows: 1 },
        { kind: 'tasks', file: tasksFile(), rows: MANY + 1 },
      ],
    });
    const text = await cli(t, 'status');
    expect(text.out).toContain(`Выгрузка для КИС: за 03.06.2024 (записана 04.06.2024 06:00`);
    expect(text.out).toContain(`работы 1 строка (${eventsFile()}), задачи ${MANY + 1} строка (${tasksFile()})`);
  });

  it('on a day off writes nothing; the next working day’s run takes the day before it', async () => {
    const sat = await cli(t, 'trigger', 'crm-export', '--inline', '--period', '2024-06-08', '--json');
    expect(JSON.parse(sat.out)).toMatchObject({ status: 'completed', stats: { day: null, files: [] } });
    const wed = await cli(t, 'trigger', 'crm-export', '--inline', '--period', '2024-06-05', '--json');
    expect(JSON.parse(wed.out).stats).toMatchObject({
      day: TUE,
      files: [join(outbox, `${TUE}-contact-events.tsv`), join(outbox, `${TUE}-tasks.tsv`)],
      rows: { [`${TUE} contact-events`]: 0, [`${TUE} tasks`]: 1 },
    });
    expect(
      lines(join(outbox, `${TUE}-tasks.tsv`))
        .slice(1)
        .map((r) => r[5]),
    ).toEqual(['Разбор риска во вторник']);
  });

  it('the CRM’s echo of the exported «Работы» is the same contact: linked, not counted twice', async () => {
    expect(await events()).toHaveLength(1);
    // The CRM loads the file and sends the rows back in its own export, with its own number.
    const echoed = lines(eventsFile()).map((r, i) => (i === 0 ? r : ['Р-0042', ...r.slice(1)]));
    const path = join(t.varDir, 'crm-works.tsv');
    writeFileSync(path, iconv.encode(`${echoed.map((r) => r.join('\t')).join('\r\n')}\r\n`, 'win1251'));
    const res = await cli(t, 'import', 'contact-events', path, '--json');
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'imported', rows: 1, inserted: 0, summary: { linkedToChurnguard: 1 } });
    const after = await events();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ task_id: taskIds[0], crm_number: 'Р-0042', outcome: 'held', import_id: null });
  });
});
