/**
 * The demo's story, in order: the RIC, its health, the campaigns, the people's answers, and
 * every job once at the end (everyJobStep stays last).
 */
import { callsStep } from './calls.js';
import { clicksStep } from './clicks.js';
import { diagnosticsStep } from './diagnostics.js';
import { everyJobStep } from './every-job.js';
import { healthStep } from './health.js';
import { indicatorQualityStep } from './indicator-quality.js';
import { mailingStep } from './mailing.js';
import { riskHistoryStep } from './risk-history.js';
import { seedStep } from './seed.js';
import type { DemoStep } from './types.js';

export const DEMO_STEPS: readonly DemoStep[] = [
  seedStep,
  healthStep,
  riskHistoryStep,
  indicatorQualityStep,
  diagnosticsStep,
  mailingStep,
  clicksStep,
  callsStep,
  everyJobStep,
];
