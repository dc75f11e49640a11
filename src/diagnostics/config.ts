/**
 * Configuration of the twice-yearly competitor diagnostics («Диагностика и профилактика
 * появления конкурентов»): the fee boundary between the segments, each segment's planned period
 * and priority, the per-specialist daily limit of due diagnostics, and the follow-up comparison
 * task. Part of the one config module (src/config.ts); defaults in `config/default.json`.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();

const segment = z.strictObject({
  /** Weeks from the day the task is given to the end of its planned period. */
  plannedWeeks: z.number().int().min(1).max(26),
  /** Task priority, 1 = highest. */
  priority: z.number().int().min(1).max(9),
});

export const diagnosticsConfigSchema = z.strictObject({
  /**
   * Monthly fee (RUB) up to and including which a client is in the small and medium segment;
   * above it, large (seed: 15 000 р/мес).
   */
  largeFeeAbove: z.number().nonnegative(),
  segments: z.strictObject({ small_medium: segment, large: segment }),
  /** No specialist gets more than this many diagnostics due on one working day. */
  maxDuePerDay: positiveInt,
  /** The remote specialist's comparison-event task of a finding is due this many working days later. */
  comparisonDueWorkingDays: z.number().int().min(0).max(30),
});

export type DiagnosticsConfig = z.infer<typeof diagnosticsConfigSchema>;
