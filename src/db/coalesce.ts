/**
 * Group commit for the hot single-row writes of the send path. Every send job claims its row
 * and marks it sent, each a durable commit: one WAL flush per statement, two per e-mail, which
 * made the pipeline wait for the disk rather than for the relay. A coalescer turns the writes
 * that arrive while one is in flight into the next single statement (one round trip, one flush),
 * and each caller still returns only after its own row is committed — durability unchanged.
 * No timer and no waiting when the path is quiet: a lone write goes out at once.
 */
export class Coalescer<I, R> {
  private readonly waiting: { item: I; resolve(r: R): void; reject(e: unknown): void }[] = [];
  private inFlight = 0;

  /**
   * `write` takes a batch and returns one result per item, in order; a failure rejects every
   * item of the batch (each caller retries or gives up as it would alone).
   */
  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly opts: { maxInFlight: number; maxBatch: number } = { maxInFlight: 2, maxBatch: 256 },
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.opts.maxBatch);
      this.inFlight++;
      this.write(batch.map((b) => b.item))
        .then(
          (results) => {
            for (const [i, b] of batch.entries()) b.resolve(results[i] as R);
          },
          (err: unknown) => {
            for (const b of batch) b.reject(err);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
