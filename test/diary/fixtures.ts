/**
 * A small desk for the diary tests: one department with a head and two remote specialists,
 * another department with one; clients with a risk week and key persons; tasks of the day,
 * overdue, tomorrow's and closed ones. The clock is Thursday 6 June 2024, 10:00 Moscow.
 */

import type { FastifyInstance } from 'fastify';
import { setClock } from '../../src/clock.js';
import type { Queryable } from '../../src/db/pool.js';
import { insertTasks, type NewTask } from '../../src/db/tasks.js';
import { callTask } from '../../src/domain/call-task.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv, type TestEnvOptions } from '../helpers/env.js';
import { serve } from '../helpers/http.js';

export const DIARY_NOW = new Date('2024-06-06T10:00:00+03:00');

export interface DiaryWorld {
  departmentId: number;
  headId: number;
  annaId: number;
  borisId: number;
  otherId: number;
  vetId: number;
  lprId: number;
  tasks: {
    overdue: number;
    risk: number;
    call: number;
    signal: number;
    tomorrow: number;
    closed: number;
    boris: number;
    other: number;
    diagnostics: number;
  };
}

const fmt = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ');

export async function buildDiaryWorld(db: Queryable): Promise<DiaryWorld> {
  const departmentId = await addDepartment(db, 'Дистанционный сервис 1_502');
  const otherDepartment = await addDepartment(db, 'Дистанционный сервис 2_502');
  const headId = await addEmployee(db, { name: 'Фисун Екатерина Александровна', role: 'head', departmentId });
  const annaId = await addEmployee(db, { name: 'Лукина Елена Ивановна', departmentId });
  const borisId = await addEmployee(db, { name: 'Савостина Ксения Андреевна', departmentId });
  const otherId = await addEmployee(db, { name: 'Лаптева Ольга Юрьевна', departmentId: otherDepartment });
  const fieldId = await addEmployee(db, { name: 'Кайдаш Виктор Викторович', role: 'field', phone: '8-906-600-50-06' });
  const vetId = await addClient(db, {
    number: 193254,
    name: 'Ветстанция по Ровенскому и Вейделевскому районам',
    category: 'A',
    fee: 18500,
    remoteId: annaId,
    fieldId,
  });
  const fundId = await addClient(db, { number: 207092, name: 'Белгородский информационный фонд', remoteId: annaId });
  const borisClient = await addClient(db, { number: 204036, name: 'БЗМИ ООО', remoteId: borisId });
  const otherClient = await addClient(db, { number: 205749, name: 'ПЖКОМ', remoteId: otherId });
  const lprId = await addContact(db, {
    clientId: vetId,
    fullName: 'Полчихина Елена Ивановна',
    position: 'Главный бухгалтер',
    isLpr: true,
    phone: '7(962)300-82-52',
  });
  await addContact(db, {
    clientId: fundId,
    fullName: 'Зыкова Юлия Анатольевна',
    position: 'юрист',
    isLvpr: true,
    phone: '8-4722-33-44-55',
  });
  await db.query(
    `INSERT INTO risk_scores (client_id, week, week_end, training, training_reason, lk, lk_reason, lpr_contact, lpr_contact_reason,
                              logins, logins_reason, webinars, webinars_reason, indicator, zone, indicator_delta, categories, computed_at)
     VALUES ($1, '2024-W21', '2024-05-26', 0.2, 'норма выполнена', 0.3, '1 обращение за 3 мес.', 0.3, '1 контакт с ЛПР за 3 мес.',
             0.2, 'входы каждую неделю', 0.3, '1 вебинар за 6 мес.', 0.26, 'none', null, '{}', now()),
            ($1, '2024-W22', '2024-06-02', 0.2, 'норма выполнена', 0.5, '0 обращений в ЛК за 3 мес.', 0.5, 'нет контакта с ЛПР за 3 мес.',
             0.2, 'входы каждую неделю', 0.5, '0 вебинаров за 6 мес.', 0.38, 'high', 0.12, '{red_zone,new}', now())`,
    [vetId],
  );
  const call = callTask(
    {
      messageId: 1,
      contactName: 'Полчихина Елена Ивановна',
      position: 'Главный бухгалтер',
      phone: '7(962)300-82-52',
      clientNumber: 193254,
      clientName: 'Ветстанция',
      subject: 'Июнь 2024: ТОП вопросов, обзоры и вебинары',
      sentAt: new Date('2024-06-03T09:00:00+03:00'),
      links: [
        { title: 'Налоги, взносы и отчетность в июле', url: 'https://www.example.com/taxes' },
        { title: 'Обучение охране труда: штрафы', url: 'https://www.example.com/ot' },
      ],
      humanClicks: [
        { title: 'Обучение охране труда: штрафы', url: 'https://www.example.com/ot', at: new Date('2024-06-03T11:05:00+03:00') },
      ],
      unclassifiedClicks: 0,
      botClicks: 4,
      previousNextPrep: 'подборку по проверкам ГИТ',
    },
    fmt,
  );
  const at = (iso: string) => new Date(iso);
  const task = (t: Partial<NewTask> & { dedupKey: string; assigneeId: number }): NewTask => ({
    kind: 'risk-review',
    title: 'Задача',
    createdBy: 'test',
    ...t,
  });
  const created = await insertTasks(
    db,
    [
      task({
        dedupKey: 'overdue',
        kind: 'fix-email',
        title: 'Уточнить e-mail контактного лица Зыкова Юлия Анатольевна: письмо не доставлено',
        assigneeId: annaId,
        clientId: fundId,
        plannedAt: at('2024-06-04T09:00:00+03:00'),
        dueAt: at('2024-06-05T18:00:00+03:00'),
        payload: { email: 'zykova@fund.example', reason: 'hard', diagnostic: '550 5.1.1 user unknown' },
      }),
      task({
        dedupKey: 'risk',
        title: 'Клиент в красной зоне (индикатор 0,38): нет контакта с ЛПР за 3 мес. Выяснить причины и составить план работы с клиентом.',
        assigneeId: annaId,
        clientId: vetId,
        priority: 1,
        plannedAt: at('2024-06-03T07:00:00+03:00'),
        dueAt: at('2024-06-07T18:00:00+03:00'),
        payload: { week: '2024-W22' },
      }),
      task({
        dedupKey: 'call',
        kind: call.kind,
        title: call.title,
        assigneeId: annaId,
        clientId: vetId,
        contactId: lprId,
        priority: 2,
        plannedAt: at('2024-06-06T09:00:00+03:00'),
        dueAt: at('2024-06-10T18:00:00+03:00'),
        payload: call.payload,
      }),
      task({
        dedupKey: 'signal',
        kind: 'signal',
        direction: 'service',
        title: 'Сигнал «Снижение платежеспособности»: долг за 2 месяца.',
        assigneeId: annaId,
        clientId: fundId,
        plannedAt: at('2024-06-06T08:00:00+03:00'),
        payload: { evidence: { details: ['Задолженность 24 000 ₽ за апрель и май'] } },
      }),
      task({
        dedupKey: 'tomorrow',
        title: 'Завтрашняя задача',
        assigneeId: annaId,
        clientId: fundId,
        plannedAt: at('2024-06-07T09:00:00+03:00'),
      }),
      task({
        dedupKey: 'closed',
        title: 'Закрытая задача',
        assigneeId: annaId,
        clientId: fundId,
        plannedAt: at('2024-06-05T09:00:00+03:00'),
      }),
      task({
        dedupKey: 'boris',
        kind: 'lpr-call',
        title: 'Звонок ЛПР БЗМИ',
        assigneeId: borisId,
        clientId: borisClient,
        plannedAt: at('2024-06-06T09:00:00+03:00'),
        dueAt: at('2024-06-06T18:00:00+03:00'),
        payload: { questions: ['Получили письмо?'], subject: 'Июнь 2024' },
      }),
      task({
        dedupKey: 'diagnostics',
        kind: 'competitor-diagnostics',
        direction: 'anti_competitor',
        title: 'Диагностика и профилактика появления конкурентов',
        assigneeId: annaId,
        clientId: vetId,
        priority: 1,
        plannedAt: at('2024-06-03T09:00:00+03:00'),
        dueAt: at('2024-06-20T18:00:00+03:00'),
        payload: {
          period: '2024-H1',
          segment: 'large',
          text: 'Выяснить, пользуется ли клиент системой конкурента: какой, до какого срока, кто принимает решение.',
        },
      }),
      task({
        dedupKey: 'other',
        title: 'Задача другой группы',
        assigneeId: otherId,
        clientId: otherClient,
        plannedAt: at('2024-06-06T09:00:00+03:00'),
      }),
    ],
    at('2024-06-03T07:00:00+03:00'),
  );
  const id = (k: string) => created.get(k) as number;
  await db.query(`UPDATE tasks SET state = 'done', outcome = 'held', closed_at = now() WHERE id = $1`, [id('closed')]);
  return {
    departmentId,
    headId,
    annaId,
    borisId,
    otherId,
    vetId,
    lprId,
    tasks: {
      overdue: id('overdue'),
      risk: id('risk'),
      call: id('call'),
      signal: id('signal'),
      tomorrow: id('tomorrow'),
      closed: id('closed'),
      boris: id('boris'),
      other: id('other'),
      diagnostics: id('diagnostics'),
    },
  };
}

export interface DiaryDesk {
  t: TestEnv;
  w: DiaryWorld;
  server: FastifyInstance;
  base: string;
  /** Stop the server, drop the test database, give the clock back. */
  close(): Promise<void>;
}

/** What a diary test file opens in `beforeAll`: the world at DIARY_NOW in its own database, served over real HTTP. */
export async function openDiaryDesk(opts: TestEnvOptions = {}): Promise<DiaryDesk> {
  setClock(DIARY_NOW);
  const t = await createTestEnv(opts);
  const w = await buildDiaryWorld(t.app.pool);
  const { server, base } = await serve(t.app);
  const close = async () => {
    await server.close();
    await t.close();
    setClock(null);
  };
  return { t, w, server, base, close };
}
