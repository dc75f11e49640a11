/** One step of `npm run demo`; steps run in the order of DEMO_STEPS. */
import type { App } from '../app.js';

export interface DemoContext {
  app: App;
  /** Print a line of the demo's story. */
  say(line: string): void;
  /** Where the embedded SMTP sink writes `.eml` files. */
  mailDir: string;
  /** The demo's HTTP server (all routes), e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** Facts earlier steps leave for later ones and for the summary. */
  facts: Record<string, unknown>;
}

export interface DemoStep {
  title: string;
  run(ctx: DemoContext): Promise<void>;
}
