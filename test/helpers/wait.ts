import type { Queue } from 'bullmq';

/** Poll until `check` returns a truthy value, or fail naming what was awaited. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const r = await once(check);
    if (r.value) return r.value;
    last = r.last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One call of `check`: a truthy value ends a wait; a falsy one or an error is "not yet", kept as `last` for the failure's message. */
async function once<T>(check: () => Promise<T> | T): Promise<{ value: T | null; last: unknown }> {
  try {
    const v = await check();
    return { value: v || null, last: v };
  } catch (err) {
    return { value: null, last: err };
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * "Nothing more happens": poll `probe` until its value has not changed for `quietMs`, counted
 * from its last change (not from the call), and return that value. Use after waiting for the
 * event that ends the work (a queue drained, a row's final state), to show nothing follows it;
 * never a fixed sleep. Fails when the value keeps changing for `timeoutMs`.
 */
export async function quietFor<T>(what: string, probe: () => Promise<T> | T, quietMs = 1000, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  let last = JSON.stringify(await probe());
  let changedAt = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, Math.min(100, quietMs / 4)));
    const value = await probe();
    const now = Date.now();
    const text = JSON.stringify(value);
    if (text !== last) {
      last = text;
      changedAt = now;
    } else if (now - changedAt >= quietMs) return value;
    if (now - start > timeoutMs) throw new Error(`${what} kept changing for ${timeoutMs} ms (last: ${text})`);
  }
}

/**
 * Wait for work that moves at the machine's pace: poll `check` until it returns a truthy value,
 * and fail only when `progress` (a count of rows by state, say) has not changed for `stallMs`.
 * A busy machine makes the work slow, not stuck; a stuck one stops moving. A `check` that
 * throws means "not yet", and its message is the failure's last word.
 */
export async function waitWhileMoving<T>(
  what: string,
  check: () => Promise<T> | T,
  progress: () => Promise<unknown> | unknown,
  stallMs = 60_000,
  everyMs = 200,
): Promise<T> {
  let last: unknown;
  let seen = JSON.stringify(await progress());
  let movedAt = Date.now();
  for (;;) {
    const r = await once(check);
    if (r.value) return r.value;
    last = r.last;
    const now = JSON.stringify(await progress());
    if (now !== seen) {
      seen = now;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs) {
      throw new Error(`nothing moved for ${stallMs} ms waiting for ${what} (progress: ${now}; last: ${String(last)})`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Wait until a queue's job counts are `expected` (each named state). A job's outcome is written
 * to PostgreSQL inside the job, before BullMQ moves the job to completed or failed: reading the
 * counts right after the row changed races that move.
 */
export async function queueCounts(queue: Queue, expected: Record<string, number>, timeoutMs = 20_000): Promise<void> {
  const states = Object.keys(expected) as Parameters<Queue['getJobCounts']>;
  await waitFor(
    `job counts ${JSON.stringify(expected)} in ${queue.name}`,
    async () => {
      const counts = await queue.getJobCounts(...states);
      if (states.every((k) => (counts[k] ?? 0) === expected[k])) return true;
      throw new Error(`counts ${JSON.stringify(counts)}`);
    },
    timeoutMs,
  );
}
