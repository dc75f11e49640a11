/**
 * Click events wait here between the redirect and PostgreSQL. `push` never waits: the redirect
 * is answered whatever the database does. A single flush loop writes batches (one multi-row
 * INSERT each); while PostgreSQL is down the events stay in order and the loop retries with a
 * growing pause. The buffer is bounded: an event that does not fit is counted in
 * `churnguard_click_events_total{outcome="overflow"}` and dropped — memory is never at risk.
 */
import type { ClickEvent } from '../db/clicks.js';
import type { Logger } from '../log.js';
import { counter, gauge } from '../metrics.js';

const events = counter('churnguard_click_events_total', 'Click events by outcome: buffered, written, overflow, dropped.');
// Bound once: push() runs on every redirect.
const overflowEvents = events.bind({ outcome: 'overflow' });
const bufferedEvents = events.bind({ outcome: 'buffered' });
const flushFailures = counter('churnguard_click_flush_failures_total', 'Failed attempts to write a batch of click events.');
const buffered = gauge('churnguard_click_buffer_events', 'Click events waiting in memory for PostgreSQL.');

export interface ClickBufferOptions {
  capacity: number;
  batchSize: number;
  flushIntervalMs: number;
  retryMaxMs: number;
}

export class ClickBuffer {
  private queue: ClickEvent[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private retryMs: number;
  private closed = false;
  private backingOff = false;
  /** Events written since start (tests and the bench read it). */
  written = 0;

  constructor(
    private readonly write: (batch: readonly ClickEvent[]) => Promise<number>,
    private readonly opts: ClickBufferOptions,
    private readonly log: Logger,
  ) {
    this.retryMs = opts.flushIntervalMs;
  }

  /** Waiting events, including a batch being written. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Add an event; false (and counted) when the buffer is full. Never blocks. */
  push(event: ClickEvent): boolean {
    if (this.closed || this.pending >= this.opts.capacity) {
      overflowEvents.inc();
      return false;
    }
    this.queue.push(event);
    bufferedEvents.inc();
    // A running drain takes this event too; while backing off, the retry timer stands.
    if (this.running || this.backingOff) return true;
    if (this.queue.length >= this.opts.batchSize) this.schedule(0);
    else if (!this.timer) this.schedule(this.opts.flushIntervalMs);
    return true;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.backingOff = false;
      this.running ??= this.drain().finally(() => {
        this.running = null;
      });
    }, ms);
  }

  /** Write batches until the queue is empty or a write fails (then retry later). */
  private async drain(): Promise<void> {
    while (this.queue.length) {
      if (!(await this.flushBatch())) {
        if (!this.closed) {
          this.schedule(this.retryMs);
          this.backingOff = true;
        }
        this.retryMs = Math.min(this.opts.retryMaxMs, this.retryMs * 2);
        return;
      }
      this.retryMs = this.opts.flushIntervalMs;
    }
    buffered.set(0);
  }

  private async flushBatch(): Promise<boolean> {
    const batch = this.queue.splice(0, this.opts.batchSize);
    this.inFlight = batch.length;
    try {
      await this.write(batch);
      // Rows skipped by the INSERT (message or link gone, event already written) count as done.
      this.written += batch.length;
      events.inc({ outcome: 'written' }, batch.length);
      return true;
    } catch (err) {
      // Back to the front, in order: the next attempt writes the same events.
      this.queue = batch.concat(this.queue);
      flushFailures.inc();
      this.log.warn({ err: (err as Error).message, waiting: this.queue.length }, 'click events not written yet; will retry');
      return false;
    } finally {
      this.inFlight = 0;
      buffered.set(this.queue.length);
    }
  }

  /**
   * On shutdown: stop taking events and write what is waiting, trying until `deadlineMs` has
   * passed; what is still unwritten then is counted as dropped.
   */
  async close(deadlineMs: number): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const until = Date.now() + deadlineMs;
    await this.running;
    while (this.queue.length && Date.now() < until) {
      if (!(await this.flushBatch())) await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, until - Date.now()))));
    }
    if (this.queue.length) {
      events.inc({ outcome: 'dropped' }, this.queue.length);
      this.log.error({ dropped: this.queue.length }, 'click events lost at shutdown: PostgreSQL did not take them in time');
      this.queue = [];
    }
  }
}
