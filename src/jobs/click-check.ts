/**
 * `click-check` (hourly): classifies new clicks as a person's or a program's
 * (src/domain/bot-clicks.ts) and rolls up engagement: a contact with no human click in its
 * last N delivered mailings is marked disengaged (contacts.disengaged_at, read by the signals
 * job); a human click clears the mark. Works message by message in chunks, so the burst rule
 * sees all clicks of a message together; re-running changes nothing.
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { clickFacts, messagesWithUnclassifiedClicks, saveVerdicts, updateEngagement } from '../db/clicks.js';
import { withTransaction } from '../db/pool.js';
import { classifyClicks } from '../domain/bot-clicks.js';
import type { PeriodicJob } from './types.js';

/** Messages per chunk: each chunk loads all their clicks and writes one UPDATE. */
const CHUNK = 500;

/**
 * Classify every click not classified yet, message by message. Also called by the call-task
 * job before it reads human clicks, so a call task never waits for the hourly run.
 */
export async function classifyPendingClicks(
  app: App,
  heartbeat: () => Promise<void> = async () => {},
): Promise<{ classified: number; bots: number; humans: number }> {
  const rules = app.config.botClicks;
  const at = now();
  let classified = 0;
  let bots = 0;
  let humans = 0;
  for (;;) {
    const messageIds = await messagesWithUnclassifiedClicks(app.pool, CHUNK);
    if (!messageIds.length) break;
    const facts = await clickFacts(app.pool, messageIds);
    const verdicts = classifyClicks(facts, rules);
    classified += await saveVerdicts(app.pool, verdicts, at);
    for (const v of verdicts) v.isBot ? bots++ : humans++;
    await heartbeat();
  }
  return { classified, bots, humans };
}

export const clickCheck: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'click-check',
  description: 'classify clicks human or bot; mark contacts with no human click in their last mailings as disengaged',
  periodKind: 'none',
  schedule: 'click-check',
  options: z.strictObject({}),
  async run({ app, heartbeat }) {
    const rules = app.config.botClicks;
    const at = now();
    const { classified, bots, humans } = await classifyPendingClicks(app, heartbeat);
    const deliveredBefore = new Date(at.getTime() - rules.engagementGraceDays * 86_400_000);
    const engagement = await withTransaction(app.pool, (db) => updateEngagement(db, rules.disengagedAfterMailings, deliveredBefore, at));
    return { classified, bots, humans, ...engagement };
  },
};
