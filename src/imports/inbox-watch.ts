/**
 * The inbox watched by file-system events: a file created, renamed into or written in
 * `var/inbox/<kind>/` asks for an `import-inbox` run at once (debounced), instead of waiting
 * for the quarter-hour schedule, which stays as the fallback (events can be lost: a watcher
 * error, a network file system, a process that was down).
 *
 * The watch only says "look now"; whether a file is complete is still the inbox's settle check
 * (size and mtime unchanged over `imports.inboxSettleMs`), and a run that left a file still
 * being written asks for another run itself (jobs/import-inbox.ts). Writers that drop a file
 * by atomic rename are imported on the first look.
 */
import { type FSWatcher, watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from '../app.js';
import { inboxDir } from './inbox.js';
import { IMPORT_KINDS } from './kind.js';

/** After a watcher error, try to watch again this much later (the schedule covers the gap). */
const REWATCH_MS = 30_000;

export class InboxWatcher {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private rewatch: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly app: App,
    /** Called once the events have settled for the debounce time. */
    private readonly onFiles: () => Promise<unknown>,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    const root = inboxDir(this.app);
    for (const kind of IMPORT_KINDS) {
      const dir = join(root, kind);
      await mkdir(join(dir, 'done'), { recursive: true });
      await mkdir(join(dir, 'failed'), { recursive: true });
      const w = watch(dir, { persistent: false }, (_event, name) => {
        // Our own moves to done/ and failed/ and hidden temporaries of atomic writers are no news.
        if (name === 'done' || name === 'failed') return;
        if (typeof name === 'string' && name.startsWith('.')) return;
        this.poke();
      });
      w.on('error', (err) => {
        this.app.log.warn({ err, kind }, 'inbox watch failed: the schedule imports until it is back');
        this.restart();
      });
      this.watchers.push(w);
    }
    this.app.log.info({ dir: root }, 'watching the inbox');
  }

  /** Something happened in the inbox: ask for a run once things are quiet for the debounce time. */
  poke(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onFiles().catch((err) => this.app.log.error({ err }, 'inbox watch: could not ask for an import run'));
    }, this.app.config.imports.inboxWatchDebounceMs);
  }

  private restart(): void {
    this.closeWatchers();
    if (this.stopped || this.rewatch) return;
    this.rewatch = setTimeout(() => {
      this.rewatch = null;
      if (!this.stopped) this.start().catch((err) => this.app.log.error({ err }, 'inbox watch: could not watch again'));
    }, REWATCH_MS);
    this.rewatch.unref();
  }

  private closeWatchers(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  stop(): void {
    this.stopped = true;
    this.closeWatchers();
    if (this.timer) clearTimeout(this.timer);
    if (this.rewatch) clearTimeout(this.rewatch);
    this.timer = null;
    this.rewatch = null;
  }
}
