/** Calendar arithmetic in a named time zone without a date library: days are "YYYY-MM-DD"
 * keys of the zone's wall calendar, and a wall time is turned back into an instant by
 * correcting a UTC guess with the zone's offset (twice, which settles across a DST change). */

export type DayKey = string;

const PARTS = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = PARTS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    PARTS.set(timeZone, format);
  }
  return format;
}

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

export function wallTime(instant: Date, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: (parts.hour ?? 0) % 24, minute: parts.minute ?? 0 };
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

export function dayKey(instant: Date, timeZone: string): DayKey {
  const wall = wallTime(instant, timeZone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

export function parseDay(key: DayKey): { year: number; month: number; day: number } {
  const [year = 1970, month = 1, day = 1] = key.split("-").map(Number);
  return { year, month, day };
}

/** The day ``days`` after ``key`` (calendar days, no time zone involved). */
export function addDays(key: DayKey, days: number): DayKey {
  const { year, month, day } = parseDay(key);
  const moved = new Date(Date.UTC(year, month - 1, day + days));
  return `${moved.getUTCFullYear()}-${pad(moved.getUTCMonth() + 1)}-${pad(moved.getUTCDate())}`;
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(key: DayKey): number {
  const { year, month, day } = parseDay(key);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/** The instant at which the zone's clock shows ``wall``. */
export function zonedInstant(wall: WallTime, timeZone: string): Date {
  const target = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  let guess = target;
  for (let i = 0; i < 2; i++) {
    const seen = wallTime(new Date(guess), timeZone);
    const shown = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    guess += target - shown;
  }
  return new Date(guess);
}

/** The same wall-clock time on another day (and, given, another hour). */
export function movedTo(instant: Date, day: DayKey, timeZone: string, hour?: number): Date {
  const wall = wallTime(instant, timeZone);
  const { year, month, day: date } = parseDay(day);
  return zonedInstant({ year, month, day: date, hour: hour ?? wall.hour, minute: hour === undefined ? wall.minute : 0 }, timeZone);
}

/** The days a month view shows: whole weeks (Monday first) around the month of ``key``. */
export function monthGrid(key: DayKey): DayKey[] {
  const { year, month } = parseDay(key);
  const first = `${year}-${pad(month)}-01`;
  const start = addDays(first, -weekday(first));
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01`;
  const days: DayKey[] = [];
  for (let day = start; day < next || weekday(day) !== 0; day = addDays(day, 1)) days.push(day);
  return days;
}

export function weekGrid(key: DayKey): DayKey[] {
  const start = addDays(key, -weekday(key));
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/** "YYYY-MM-DDTHH:MM" in the zone, for a datetime-local input. */
export function localInputValue(instant: Date, timeZone: string): string {
  const wall = wallTime(instant, timeZone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

export function fromLocalInput(value: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [, year = 0, month = 1, day = 1, hour = 0, minute = 0] = match.map(Number);
  return zonedInstant({ year, month, day, hour, minute }, timeZone);
}
