/**
 * «Принято в работу» from the alert e-mail: the link in the mail received by a real SMTP
 * server, GET that shows and changes nothing, POST that acknowledges as the alert's field
 * specialist and stops escalation, and tampered or expired tokens on the Russian 404 page.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { raiseSignals } from '../../src/health/raise-signals.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { signalEscalation } from '../../src/jobs/signal-escalation.js';
import { ackToken } from '../../src/mail/tracking.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';

let t: TestEnv;
let smtp: TestSmtp;
let server: FastifyInstance;
let base: string;
let workers: JobWorkers;
const staff: Record<string, number> = {};

async function signal(id: number) {
  return (await t.app.pool.query('SELECT * FROM signals WHERE id = $1', [id])).rows[0];
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  ({ server, base } = await serve(t.app));
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Специалисты Тихоненко_502');
  staff.field = await addEmployee(db, { name: 'Нелина А.Ю.', role: 'field', departmentId: dep, email: 'nelina@ric502.example' });
  staff.head = await addEmployee(db, { name: 'Тихоненко О.П.', role: 'head', departmentId: dep, email: 'tikhonenko@ric502.example' });
  workers = new JobWorkers(t.app, [sendEmail]);
  workers.start();
});

/**
 * A signal of its own for each test (so the tests pass in any order): a client of the field
 * specialist, its key-person change raised on Monday 3 June 10:00, and the alert's ack link.
 */
async function alert(number: number, name: string): Promise<{ signalId: number; link: string }> {
  setClock(new Date('2024-06-03T10:00:00+03:00'));
  const client = await addClient(t.app.pool, { number, name, fieldId: staff.field });
  const res = await raiseSignals(t.app, [
    {
      clientId: client,
      kind: 'key_person_change',
      summary: 'Смена ключевого лица (ЛПР): Полчихина Е.И. → Орлов С.П.',
      details: ['Смена ключевого лица (ЛПР): Полчихина Е.И. → Орлов С.П.'],
      evidence: {},
      dedupKey: `key_person_change.test.${number}`,
    },
  ]);
  const signalId = res.raised[0]?.id as number;
  const mail = await waitFor('the alert', () => smtp.messages.find((m) => (m.parsed.text ?? '').includes(`${number} - ${name}`)));
  const url = /Принято в работу: (\S+)/.exec(mail?.parsed.text ?? '')?.[1] as string;
  // The public base URL of the test config points elsewhere: keep the path, use this server.
  return { signalId, link: `${base}${new URL(url).pathname}` };
}
afterAll(async () => {
  await workers.close(5000);
  await server.close();
  setClock(null);
  await t.close();
  await smtp.close();
});

describe('the ack link of a signal alert', () => {
  it('GET shows the signal, its client and the button, and changes nothing', async () => {
    const { signalId, link } = await alert(198183, 'Био Технология');
    expect(link).toMatch(/\/a\/[0-9a-z]+-[0-9a-z]+-[\w-]+$/);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(`Сигнал № ${signalId}: Смена ключевого пользователя, ЛПР, ЛВПР`);
    expect(body).toContain('198183 - Био Технология');
    expect(body).toMatch(
      /<form method="post" action="\/a\/[^"]+"><input type="hidden" name="ack" value="1"><button type="submit">Принято в работу<\/button>/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await signal(signalId)).acknowledged_at).toBeNull();
  });

  it('POST acknowledges the signal as the alert’s field specialist, and escalation leaves it alone', async () => {
    const { signalId, link } = await alert(198184, 'Белгородский информационный фонд');
    setClock(new Date('2024-06-03T11:30:00+03:00'));
    const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ack=1' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Сигнал принят в работу</b>: Нелина А.Ю., 03.06.2024 11:30');
    const s = await signal(signalId);
    expect(s).toMatchObject({ acknowledged_by: 'Нелина А.Ю.', acknowledged_via: 'link', acknowledged_employee_id: staff.field });
    expect(s.acknowledged_at.toISOString()).toMatch(/^2024-06-03T08:30:/);
    // Again: harmless, the first acknowledgement stands.
    setClock(new Date('2024-06-04T09:00:00+03:00'));
    const again = await fetch(link, { method: 'POST' });
    expect(again.status).toBe(200);
    expect((await signal(signalId)).acknowledged_at.toISOString()).toMatch(/^2024-06-03T08:30:/);
    // Days after the escalation deadline: nothing to escalate.
    setClock(new Date('2024-06-10T12:00:00+03:00'));
    const run = await executeRun(t.app, signalEscalation, { period: '2024-06-10T1200', trigger: 'schedule' });
    expect(run.status).toBe('completed');
    expect(await signal(signalId)).toMatchObject({ escalated_at: null, escalation_notification_id: null });
  });

  it('answers a tampered, foreign or expired token with the Russian 404 page, and changes nothing', async () => {
    const { signalId, link } = await alert(198185, 'ПЖКОМ');
    const secret = t.config.env.trackingSecret;
    const token = new URL(link).pathname.slice(3);
    const [id36, exp36, ...sig] = token.split('-');
    const sigText = sig.join('-');
    const flipped = `${sigText.slice(0, -1)}${sigText.endsWith('A') ? 'B' : 'A'}`;
    const other = await t.app.pool.query(
      `INSERT INTO signals (client_id, kind, detected_at, summary, dedup_key)
      SELECT client_id, kind, detected_at, summary, 'other.1' FROM signals WHERE id = $1 RETURNING id`,
      [signalId],
    );
    const otherId = Number(other.rows[0].id);
    setClock(new Date('2024-06-10T12:00:00+03:00'));
    const bad = [
      `${id36}-${exp36}-${flipped}`,
      // Another signal's id under this signal's signature.
      `${otherId.toString(36)}-${exp36}-${sigText}`,
      // A later expiry under the old signature.
      `${id36}-${(Number.parseInt(exp36 as string, 36) + 30).toString(36)}-${sigText}`,
      // Signed with another secret.
      ackToken('another-secret-0123456789abcdef01234', otherId, new Date('2024-07-01T00:00:00Z')),
      // Validly signed, but expired.
      ackToken(secret, otherId, new Date('2024-06-09T00:00:00Z')),
      'garbage',
    ];
    for (const b of bad) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await fetch(`${base}/a/${b}`, { method });
        expect(res.status, `${method} ${b}`).toBe(404);
        expect(await res.text()).toContain('Ссылка недействительна');
      }
    }
    expect((await signal(otherId)).acknowledged_at).toBeNull();
    // The alert's own link expires after signals.ackLinkDays (14) days.
    setClock(new Date('2024-06-18T12:00:00+03:00'));
    expect((await fetch(link)).status).toBe(404);
    // A fresh, valid token for the other signal does work.
    const ok = await fetch(`${base}/a/${ackToken(secret, otherId, new Date('2024-07-01T00:00:00Z'))}`);
    expect(ok.status).toBe(200);
  });
});
