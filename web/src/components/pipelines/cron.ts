/** A cron expression as a person reads it, and its next firings. Temporal reads a pipeline's
 * schedule in the tenant's time zone (src/icop/planning/schedules.py sets `time_zone_name`),
 * so the expression is evaluated in that zone here too, daylight-saving changes included. The
 * API stays the authority: an expression these libraries accept may still be refused there,
 * and the page shows that refusal. */

import { CronExpressionParser } from "cron-parser";
import cronstrue from "cronstrue";
import "cronstrue/locales/ko";

/** Temporal's shorthands as the five fields they stand for. */
const SHORTHANDS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

export type CronPreview =
  | { kind: "empty" }
  | { kind: "interval"; every: string }
  | { kind: "cron"; description: string; next: Date[] }
  | { kind: "invalid" };

/** `timeZone`: the tenant's IANA zone, which the fields are read in (UTC when omitted). */
export function previewCron(expression: string, locale: string, now: Date = new Date(), count = 3, timeZone = "UTC"): CronPreview {
  const text = expression.trim().split(/\s+/).join(" ");
  if (!text) return { kind: "empty" };
  if (text.startsWith("@every ")) return { kind: "interval", every: text.slice("@every ".length) };
  const fields = SHORTHANDS[text] ?? text;
  if (fields.split(" ").length !== 5) return { kind: "invalid" };
  try {
    const description = cronstrue.toString(fields, {
      locale: locale === "ko" ? "ko" : "en",
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
    });
    const times = CronExpressionParser.parse(fields, { currentDate: now, tz: timeZone });
    const next: Date[] = [];
    for (let i = 0; i < count && times.hasNext(); i += 1) next.push(times.next().toDate());
    return { kind: "cron", description, next };
  } catch {
    return { kind: "invalid" };
  }
}
