/**
 * The Russian production calendar: Saturdays and Sundays are days off except working
 * weekends by transfer; public holidays and transferred days off are non-working weekdays.
 * The lists come from config (`calendar`), one place to update when a decree is published.
 */
import { addDays, type IsoDate, weekdayOf } from './dates.js';

export interface WorkCalendar {
  holidays: readonly IsoDate[];
  workingWeekends: readonly IsoDate[];
}

export class Calendar {
  private readonly holidays: Set<IsoDate>;
  private readonly workingWeekends: Set<IsoDate>;

  constructor(cal: WorkCalendar) {
    this.holidays = new Set(cal.holidays);
    this.workingWeekends = new Set(cal.workingWeekends);
  }

  isWorkingDay(d: IsoDate): boolean {
    if (this.workingWeekends.has(d)) return true;
    if (this.holidays.has(d)) return false;
    return weekdayOf(d) <= 5;
  }

  /** The `n`-th working day after `d` (n ≥ 1), or `d` itself for n = 0 when it is a working day. */
  addWorkingDays(d: IsoDate, n: number): IsoDate {
    let day = d;
    if (n === 0) {
      while (!this.isWorkingDay(day)) day = addDays(day, 1);
      return day;
    }
    let left = n;
    while (left > 0) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) left--;
    }
    return day;
  }

  /** Working days in (a, b]: how many working days have passed from `a` to `b`. */
  workingDaysBetween(a: IsoDate, b: IsoDate): number {
    let count = 0;
    for (let day = addDays(a, 1); day <= b; day = addDays(day, 1)) if (this.isWorkingDay(day)) count++;
    return count;
  }

  /** Working days within [start, end], in order. */
  workingDaysIn(start: IsoDate, end: IsoDate): IsoDate[] {
    const out: IsoDate[] = [];
    for (let day = start; day <= end; day = addDays(day, 1)) if (this.isWorkingDay(day)) out.push(day);
    return out;
  }
}
