/**
 * BullMQ queues: one queue per job, named after it, under the configured key prefix
 * (`{cg}` by default: the braces keep every key in one Redis Cluster slot). Producers
 * share one connection; workers open their own.
 */
import { type JobsOptions, Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config.js';

export function redisConnection(url: string, extra: RedisOptions = {}): Redis {
  // BullMQ needs maxRetriesPerRequest: null on blocking connections; producers get it too so a
  // short Redis outage delays commands instead of failing them.
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...extra });
}

/** Delete every key under `prefix` (all queues of a test, a bench or the demo). */
export async function deleteQueueKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export class Queues {
  private connection: Redis | null = null;
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly config: AppConfig) {}

  get prefix(): string {
    return this.config.env.queuePrefix;
  }

  /** The shared producer connection. */
  redis(): Redis {
    this.connection ??= redisConnection(this.config.env.redisUrl);
    return this.connection;
  }

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.redis(), prefix: this.prefix, defaultJobOptions: this.defaultJobOptions() });
      // Errors surface on the calls that fail; an idle queue's connection error must not crash.
      q.on('error', () => {});
      this.queues.set(name, q);
    }
    return q;
  }

  defaultJobOptions(): JobsOptions {
    const q = this.config.queues;
    return {
      attempts: q.attempts,
      backoff: { type: 'exponential', delay: q.backoffMs },
      removeOnComplete: { count: q.keepCompleted },
      removeOnFail: { count: q.keepFailed },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => {})));
    this.queues.clear();
    if (this.connection) {
      await this.connection.quit().catch(() => this.connection?.disconnect());
      this.connection = null;
    }
  }
}

/**
 * Wait until `queue` has nothing waiting, delayed or running, up to `timeoutMs`; false when it
 * was still busy then (the caller decides whether that is an error).
 */
export async function waitUntilIdle(queue: Queue, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (!c.waiting && !c.active && !c.delayed && !c.prioritized) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
