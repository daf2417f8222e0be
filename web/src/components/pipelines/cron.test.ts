import { describe, expect, it } from "vitest";

import { previewCron } from "./cron";

const MONDAY_NOON = new Date("2026-12-07T12:00:00Z"); // a Monday

describe("previewCron", () => {
  it("describes a weekly schedule in English and Korean and lists the next runs in UTC", () => {
    const en = previewCron("0 9 * * 1", "en", MONDAY_NOON);
    expect(en.kind).toBe("cron");
    if (en.kind !== "cron") return;
    expect(en.description).toBe("At 09:00, only on Monday");
    expect(en.next.map((d) => d.toISOString())).toEqual([
      "2026-12-14T09:00:00.000Z",
      "2026-12-21T09:00:00.000Z",
      "2026-12-28T09:00:00.000Z",
    ]);
    const ko = previewCron("0 9 * * 1", "ko", MONDAY_NOON);
    expect(ko.kind === "cron" && /월요일/.test(ko.description)).toBe(true);
  });

  it("reads the fields in the tenant's time zone, as Temporal does", () => {
    const seoul = previewCron("30 9 * * 1-5", "en", MONDAY_NOON, 2, "Asia/Seoul");
    // Monday 12:00 UTC is 21:00 in Seoul: the next 09:30 there is Tuesday's, 00:30 UTC.
    expect(seoul.kind === "cron" && seoul.next.map((d) => d.toISOString())).toEqual([
      "2026-12-08T00:30:00.000Z",
      "2026-12-09T00:30:00.000Z",
    ]);
    // New York in summer is UTC-4, in winter UTC-5: the same 09:00 moves in UTC.
    const summer = previewCron("0 9 * * *", "en", new Date("2026-07-01T00:00:00Z"), 1, "America/New_York");
    const winter = previewCron("0 9 * * *", "en", MONDAY_NOON, 1, "America/New_York");
    expect(summer.kind === "cron" && summer.next[0]?.toISOString()).toBe("2026-07-01T13:00:00.000Z");
    expect(winter.kind === "cron" && winter.next[0]?.toISOString()).toBe("2026-12-07T14:00:00.000Z");
  });

  it("reads Temporal's shorthands and intervals", () => {
    const daily = previewCron("@daily", "en", MONDAY_NOON);
    expect(daily.kind === "cron" && daily.next[0]?.toISOString()).toBe("2026-12-08T00:00:00.000Z");
    expect(previewCron("@every 2h", "en")).toEqual({ kind: "interval", every: "2h" });
  });

  it("says when an expression is not cron, and when there is none", () => {
    expect(previewCron("every monday", "en").kind).toBe("invalid");
    expect(previewCron("61 9 * * 1", "en").kind).toBe("invalid");
    expect(previewCron("  ", "en").kind).toBe("empty");
  });
});
