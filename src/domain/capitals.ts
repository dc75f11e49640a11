/**
 * A subject written all in capitals reads as shouting and is scored by spam filters
 * (SpamAssassin's SUBJ_ALL_CAPS: a subject of two words or more, 10 characters or longer,
 * whose letters are all capitals). SpamAssassin looks at Latin letters only — «Диагностика
 * конкурентов 2024-H1: …» tripped it through its one Latin letter — this rule looks at every
 * script, so «ВАЖНО: НОВЫЕ ПРАВИЛА» counts as well as «NEW RULES 2024».
 */

/**
 * True when the text has two words or more, 10 characters or more, at least one cased letter
 * and no lower-case letter: «ДИАГНОСТИКА 2024-H1», «NEW RULES»; not «Сигнал: ООО «IT»», not «2024».
 */
export function isAllCapitals(text: string): boolean {
  const t = text.trim();
  if (t.length < 10 || !/\s/.test(t)) return false;
  return /\p{Lu}/u.test(t) && !/\p{Ll}/u.test(t);
}
