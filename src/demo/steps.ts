/** The demo's story, in order. Each capability adds its step here. */
import { clicksStep } from './clicks.js';
import { diagnosticsStep } from './diagnostics.js';
import { everyJobStep } from './every-job.js';
import { healthStep } from './health.js';
import { mailingStep } from './mailing.js';
import { seedStep } from './seed.js';
import type { DemoStep } from './types.js';

export const DEMO_STEPS: readonly DemoStep[] = [seedStep, healthStep, diagnosticsStep, mailingStep, clicksStep, everyJobStep];
