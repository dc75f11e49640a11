/**
 * Link id → redirect target (the stored URL, checked), least recently used first out. Warmed on demand: the first click on a
 * link asks PostgreSQL, every later one is answered from memory, also while PostgreSQL is down.
 * Links never change once a mailing is composed (UNIQUE(mailing_id, url)), so entries need no
 * expiry. Concurrent misses of one link share a single query.
 */
export type LinkLookup = { kind: 'found'; url: string } | { kind: 'unknown' } | { kind: 'unavailable'; error: Error };

export class LinkCache {
  private readonly entries = new Map<number, string>();
  private readonly pending = new Map<string, Promise<LinkLookup>>();

  constructor(
    private readonly capacity: number,
    /** Asks PostgreSQL for the link of this message; null when there is none (or it is unusable). */
    private readonly load: (messageId: number, linkId: number) => Promise<string | null>,
    private readonly timeoutMs: number,
  ) {}

  /** The URL when cached (and marks it recently used), else undefined. Synchronous: the hot path. */
  peek(linkId: number): string | undefined {
    const url = this.entries.get(linkId);
    if (url !== undefined) {
      this.entries.delete(linkId);
      this.entries.set(linkId, url);
    }
    return url;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Look a link up in PostgreSQL, with a deadline: a slow or stopped database gives `unavailable`. */
  fetch(messageId: number, linkId: number): Promise<LinkLookup> {
    const key = `${messageId}:${linkId}`;
    let p = this.pending.get(key);
    if (!p) {
      p = this.query(messageId, linkId).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  private async query(messageId: number, linkId: number): Promise<LinkLookup> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const url = await Promise.race([
        this.load(messageId, linkId),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from PostgreSQL in ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      if (url === null) return { kind: 'unknown' };
      this.remember(linkId, url);
      return { kind: 'found', url };
    } catch (err) {
      return { kind: 'unavailable', error: err as Error };
    } finally {
      clearTimeout(timer);
    }
  }

  private remember(linkId: number, url: string): void {
    this.entries.delete(linkId);
    this.entries.set(linkId, url);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
