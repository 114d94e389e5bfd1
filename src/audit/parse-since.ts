const DURATION = /^(\d{1,7})([hdw])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_MS = 3_600_000;
const UNIT_MS: Record<string, number> = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };
/** GitHub began in 2008: a period that starts earlier is a typo (and GitHub refuses years it cannot parse). */
const EARLIEST = new Date(Date.UTC(2008, 0, 1));

export const SINCE_FORMS = "a duration such as 12h, 30d or 2w, or a date YYYY-MM-DD (UTC)";

/**
 * The start of the audit's period: `30d` (and `12h`, `2w`) counts back from `now`; a date
 * `2026-01-31` is that day's midnight UTC. Anything else, a day that does not exist, a zero
 * duration, a start before 2008 or a date in the future is an error that says what is expected.
 */
export function parseSince(text: string, now: Date): Date {
  const value = text.trim();
  const start = startOf(value, now, text);
  if (start.getTime() < EARLIEST.getTime()) throw new Error(`--since "${text}": the period would start before 2008, before GitHub`);
  return start;
}

function startOf(value: string, now: Date, text: string): Date {
  const duration = DURATION.exec(value);
  if (duration) {
    const count = Number(duration[1]);
    if (count === 0) throw new Error(`--since "${text}": the period must be longer than zero`);
    return new Date(now.getTime() - count * (UNIT_MS[duration[2] ?? ""] ?? 0));
  }
  const date = DATE.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const start = new Date(Date.UTC(year, month - 1, day));
    // Date.UTC rolls 2026-02-30 over to March: a day that does not exist comes back different.
    if (start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day) {
      throw new Error(`--since "${text}": there is no such day`);
    }
    if (start.getTime() > now.getTime()) throw new Error(`--since "${text}": the date is in the future`);
    return start;
  }
  throw new Error(`--since "${text}": expected ${SINCE_FORMS}`);
}
