/**
 * The monthly e-mail in daily waves, paced to the calls that follow it: each decision maker's
 * call comes `callAfterWorkingDays` after their e-mail, so the e-mail goes out on the working
 * day that puts the call where their specialist's plan has room. A specialist's calls are
 * spread evenly over the month's sending days, never more on one day than the places of a day
 * (capacity less the share kept for hand-offs); high-zone clients (then larger fees) first,
 * except that a decision maker called not long ago waits for a wave whose call is far enough on.
 * What cannot fit goes in the last wave: its calls show as overflow in the plan, never hidden.
 */
import type { IsoDate } from './dates.js';

export interface WaveRecipient {
  contactId: number;
  specialistId: number | null;
  zoneRank: number;
  fee: number;
  /** The earliest day their call may come (their last call was recent): a later wave if need be. */
  callNotBefore?: IsoDate | null;
}

export interface WaveRules {
  /** The working days e-mails may go out on, in order (from the first sending day to the month's last working day). */
  sendDays: readonly IsoDate[];
  /** The working day of the call that follows an e-mail sent on `day`. */
  callDay(day: IsoDate): IsoDate;
  /** Calls a specialist can take on one day (capacity less the reserve). */
  placesOf(specialistId: number): number;
}

export interface Wave {
  day: IsoDate;
  contactIds: number[];
}

/** The wave (sending day) of every recipient. */
export function planWaves(recipients: readonly WaveRecipient[], rules: WaveRules): Map<number, IsoDate> {
  const out = new Map<number, IsoDate>();
  const days = rules.sendDays;
  if (!days.length) return out;
  const bySpecialist = new Map<number | null, WaveRecipient[]>();
  for (const r of recipients) {
    const list = bySpecialist.get(r.specialistId);
    if (list) list.push(r);
    else bySpecialist.set(r.specialistId, [r]);
  }
  for (const [specialistId, list] of bySpecialist) {
    list.sort((a, b) => b.zoneRank - a.zoneRank || b.fee - a.fee || a.contactId - b.contactId);
    if (specialistId === null) {
      // Nobody calls them: the e-mail goes out with the first wave.
      for (const r of list) out.set(r.contactId, days[0] as IsoDate);
      continue;
    }
    const places = Math.max(1, rules.placesOf(specialistId));
    const perDay = Math.min(places, Math.ceil(list.length / days.length));
    // Two sending days may share a call day (a day off between): count per call day.
    const calls = new Map<IsoDate, number>();
    const full = (i: number) => (calls.get(rules.callDay(days[i] as IsoDate)) ?? 0) >= perDay;
    let d = 0;
    for (const r of list) {
      while (d < days.length - 1 && full(d)) d++;
      // Called not long ago: the first wave whose call is late enough and has room (else the
      // last); the others keep their places.
      let i = d;
      if (r.callNotBefore) {
        const notBefore = r.callNotBefore;
        while (i < days.length - 1 && rules.callDay(days[i] as IsoDate) < notBefore) i++;
        while (i < days.length - 1 && full(i)) i++;
      }
      const day = days[i] as IsoDate;
      const call = rules.callDay(day);
      calls.set(call, (calls.get(call) ?? 0) + 1);
      out.set(r.contactId, day);
    }
  }
  return out;
}

/** The waves in day order, each with its contacts. */
export function wavesOf(assigned: ReadonlyMap<number, IsoDate>): Wave[] {
  const byDay = new Map<IsoDate, number[]>();
  for (const [contactId, day] of assigned) {
    const list = byDay.get(day);
    if (list) list.push(contactId);
    else byDay.set(day, [contactId]);
  }
  return [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, contactIds]) => ({ day, contactIds }));
}
