/**
 * The one registry of task outcomes: what a specialist may report when closing a task, read by
 * `admin task done`, `POST /api/tasks/:id/outcome` and the diary's form alike, so the three
 * always offer the same choices and close a task the same way (src/db/task-outcomes.ts).
 *
 * An outcome either applies to every task kind (the contact outcomes, the CRM's states of a
 * «Работа») or names the kinds it is for. A kind that has outcomes of its own gets only those:
 * a competitor-diagnostics task closes as "no competitor" or "competitor found", not as
 * "contact held" (src/diagnostics/close-task.ts does what those two need: the finding). Later
 * capabilities add their entries here.
 */
import { DIAGNOSTICS_KIND } from './diagnostics.js';

/** `contact_events.outcome` values a closed task can record. */
export type ContactEventOutcome = 'held' | 'held_with_login' | 'not_held' | 'refused';

export interface OutcomeDef {
  /** The CRM's wording, in Russian (the diary's choice, the CLI's confirmation). */
  title: string;
  /** Stored in `tasks.outcome`. */
  taskOutcome: string;
  /** The contact event (Работа) it records, or null when closing the task records none. */
  event: ContactEventOutcome | null;
  /** Task kinds this outcome is for; absent: every kind that has no outcomes of its own. */
  kinds?: readonly string[];
}

export const OUTCOMES = {
  held: { title: 'Контакт состоялся', taskOutcome: 'held', event: 'held' },
  'held-with-login': { title: 'Контакт состоялся с входом', taskOutcome: 'held_with_login', event: 'held_with_login' },
  'not-reached': { title: 'Не состоялся', taskOutcome: 'not_held', event: 'not_held' },
  refused: { title: 'Отказ от контакта', taskOutcome: 'refused', event: 'refused' },
  // The diagnostics is not a contact of its own: no contact event (src/diagnostics/close-task.ts).
  'no-competitor': { title: 'Конкурент не выявлен', taskOutcome: 'no_competitor', event: null, kinds: [DIAGNOSTICS_KIND] },
  'competitor-found': { title: 'Выявлен конкурент', taskOutcome: 'competitor_found', event: null, kinds: [DIAGNOSTICS_KIND] },
} as const satisfies Record<string, OutcomeDef>;

/** An outcome's name as the CLI, the API and the diary's form take it (`held-with-login`). */
export type Outcome = keyof typeof OUTCOMES;

/** Every outcome name, in the registry's order. */
export const OUTCOME_NAMES = Object.keys(OUTCOMES) as Outcome[];

export function isOutcome(name: string): name is Outcome {
  return Object.hasOwn(OUTCOMES, name);
}

export function outcomeDef(name: Outcome): OutcomeDef {
  return OUTCOMES[name];
}

/** The outcomes a task of `kind` may close with, in the registry's order. */
export function outcomesFor(kind: string): Outcome[];
export function outcomesFor<K extends string>(kind: string, registry: Readonly<Record<K, OutcomeDef>>): K[];
export function outcomesFor(kind: string, registry: Readonly<Record<string, OutcomeDef>> = OUTCOMES): string[] {
  const names = Object.keys(registry);
  const own = names.filter((n) => (registry[n]?.kinds ?? []).includes(kind));
  return own.length ? own : names.filter((n) => registry[n]?.kinds === undefined);
}

/** The Russian title of a stored `tasks.outcome` (`held_with_login` → «Контакт состоялся с входом»). */
export function storedOutcomeTitle(taskOutcome: string): string {
  const name = OUTCOME_NAMES.find((n) => outcomeDef(n).taskOutcome === taskOutcome);
  return name ? outcomeDef(name).title : taskOutcome;
}
