import { describe, expect, it } from "vitest";

import { buildSeries, daysBetween, type UsageRow } from "./series";

const row = (day: string, model: string | null, task: string, cost: string, tokens: [number, number], calls = 1): UsageRow => ({
  day: `${day}T00:00:00Z`,
  provider: model ? "fake" : null,
  model,
  task,
  calls,
  failures: 0,
  prompt_tokens: tokens[0],
  completion_tokens: tokens[1],
  cost_usd: cost,
});

describe("usage rows as chart series", () => {
  const rows = [
    row("2026-12-01", "writer", "write.draft", "0.50", [100, 50]),
    row("2026-12-01", "judge", "edit.judge", "0.25", [10, 5], 2),
    row("2026-12-03", "writer", "write.draft", "1.00", [200, 100]),
    row("2026-12-03", null, "research.plan", "0", [0, 0]),
  ];
  const days = daysBetween(new Date("2026-12-01T10:00:00Z"), new Date("2026-12-03T23:00:00Z"));

  it("has every day, a quiet one too", () => {
    expect(days).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
  });

  it("stacks cost per model, the biggest first, with a name for a call no model answered", () => {
    const series = buildSeries(rows, days, "cost", "model", "none");
    expect(series.keys).toEqual(["fake/writer", "fake/judge", "none"]);
    expect(series.values).toEqual([
      [0.5, 0.25, 0],
      [0, 0, 0],
      [1, 0, 0],
    ]);
    expect(series.max).toBe(1);
    expect(series.totals["fake/writer"]).toBe(1.5);
  });

  it("counts tokens and calls per task", () => {
    const tokens = buildSeries(rows, days, "tokens", "task", "none");
    expect(tokens.totals).toEqual({ "write.draft": 450, "edit.judge": 15, "research.plan": 0 });
    const calls = buildSeries(rows, days, "calls", "task", "none");
    // A tie (two calls each) is broken by name.
    expect(calls.keys).toEqual(["edit.judge", "write.draft", "research.plan"]);
    expect(calls.values[0]).toEqual([2, 1, 0]);
  });
});
