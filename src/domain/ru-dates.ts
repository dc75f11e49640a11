/** Calendar dates as the CRM writes them. */
import type { IsoDate } from './dates.js';

/** `2024-06-03` → `03.06.2024`. */
export function dmy(d: IsoDate): string {
  return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;
}
