/**
 * Playbooks: rules that turn a client's zone and high-risk categories into a task for its
 * remote specialist — the seed's categories each with their own work («Группы клиентов высокого
 * риска»). A rule matches on a zone, a category, and optionally a primary advance ending soon.
 * Pure: the week's scored rows in, the matching rules out.
 */
import { addDays, type IsoDate } from './dates.js';
import type { RiskCategory } from './risk-categories.js';

export interface PlaybookRule {
  /** Switched off: no new task, and open ones are left to their people. */
  enabled: boolean;
  /** The client's zone in the week (`dynamic`, `high`). */
  zone?: 'dynamic' | 'high';
  /** One of the client's categories in the week. */
  category?: RiskCategory;
  /** The primary advance ends within this many days of the week's end. */
  advanceEndsWithinDays?: number;
  /** The task's goal (Цель контакта), Russian. */
  title: string;
  dueWorkingDays: number;
}

export interface PlaybookFacts {
  zone: string | null;
  categories: readonly string[];
  primaryAdvanceUntil: IsoDate | null;
  weekEnd: IsoDate;
}

export function playbookMatches(rule: PlaybookRule, f: PlaybookFacts): boolean {
  if (rule.zone && f.zone !== rule.zone) return false;
  if (rule.category && !f.categories.includes(rule.category)) return false;
  if (rule.advanceEndsWithinDays !== undefined) {
    const until = f.primaryAdvanceUntil;
    if (!until || until < f.weekEnd || until > addDays(f.weekEnd, rule.advanceEndsWithinDays)) return false;
  }
  return true;
}

/** The enabled playbooks a client's week matches, by name. */
export function matchingPlaybooks(rules: Readonly<Record<string, PlaybookRule>>, f: PlaybookFacts): string[] {
  return Object.entries(rules)
    .filter(([, r]) => r.enabled && playbookMatches(r, f))
    .map(([name]) => name);
}
