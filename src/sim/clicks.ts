/**
 * The simulated readers of the month's e-mail: a person at a healthier client opens a link
 * more often. Clicks are written through the click handler's own function
 * (`insertClickEvents`, what the redirect's buffer writes), a couple of hours after delivery
 * and with a browser's user agent, so click-check classifies them as people's.
 */
import type { App } from '../app.js';
import { insertClickEvents } from '../db/clicks.js';
import { Rng } from '../demo-data/random.js';
import type { World } from './world.js';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36';

/** A stable UUID for a message's simulated click (a re-run writes nothing twice). */
function eventId(messageId: number, linkId: number): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0').slice(-w);
  return `00000000-51a0-4000-8000-${hex(messageId, 6)}${hex(linkId, 6)}`;
}

/** Clicks of the messages delivered in (from, to]; returns how many were written. */
export async function simulateClicks(app: App, world: World, seed: number, from: Date, to: Date): Promise<number> {
  const { rows } = await app.pool.query<{ id: number; number: number; sent_at: Date; link_id: number | null }>(
    `SELECT m.id, c.number, m.sent_at,
            (SELECT l.id FROM links l WHERE l.mailing_id = m.mailing_id AND l.kind <> 'honeypot' ORDER BY l.position, l.id
              OFFSET (m.id % 3) LIMIT 1) AS link_id
       FROM messages m JOIN clients c ON c.id = m.client_id
      WHERE m.state = 'sent' AND m.sent_at > $1 AND m.sent_at <= $2
      ORDER BY m.id`,
    [from, to],
  );
  const events = rows.flatMap((m) => {
    const rng = new Rng((seed * 7919 + m.id * 104729) >>> 0);
    if (m.link_id === null || !rng.chance(world.clickChance(m.number))) return [];
    const clickedAt = new Date(m.sent_at.getTime() + (1 + rng.int(0, 120)) * 60_000);
    return [
      {
        eventId: eventId(m.id, m.link_id),
        messageId: m.id,
        linkId: m.link_id,
        clickedAt,
        method: 'GET',
        userAgent: BROWSER,
        ipPrefix: null,
      },
    ];
  });
  return insertClickEvents(app.pool, events);
}
