import { describe, expect, it } from "vitest";

import { applied, type Run, type RunEvent } from "./events";

const run: Run = {
  id: "run-1",
  pipeline_id: "p",
  trigger: "manual",
  status: "running",
  workflow_id: "w",
  rows_total: 2,
  rows_done: 0,
  rows_failed: 0,
  error: null,
  started_at: null,
  finished_at: null,
  created_at: "2026-12-07T00:00:00Z",
  rows: [1, 2].map((n) => ({
    row_number: n,
    topic: `topic ${n}`,
    status: "writing",
    step: "writing",
    articles_total: 1,
    articles_done: 0,
    cost_usd: "0",
    error: null,
    updated_at: "2026-12-07T00:00:00Z",
    articles: [{ sub_topic: `sub ${n}`, article_id: `a${n}`, status: "running", current_step: "research", markdown_url: null }],
  })),
};

const event = (extra: Partial<RunEvent>): RunEvent => ({
  id: 1,
  kind: "row",
  run_id: "run-1",
  row_number: null,
  article_id: null,
  step: null,
  status: "done",
  started_at: null,
  finished_at: null,
  cost_usd: null,
  detail: null,
  created_at: "2026-12-07T00:00:01Z",
  ...extra,
});

describe("a run's live events", () => {
  it("move the run's status", () => {
    expect(applied(run, event({ kind: "run", status: "succeeded" })).status).toBe("succeeded");
  });

  it("move only the row they name", () => {
    const next = applied(run, event({ kind: "row", row_number: 2, status: "done", step: null }));
    expect(next.rows?.map((r) => [r.status, r.step])).toEqual([
      ["writing", "writing"],
      ["done", "writing"],
    ]);
  });

  it("move an article's status and its current step, and nothing else", () => {
    const stepped = applied(run, event({ kind: "step", article_id: "a1", step: "writer_b", status: "started" }));
    expect(stepped.rows?.[0]?.articles?.[0]).toMatchObject({ status: "running", current_step: "writer_b" });
    expect(stepped.rows?.[1]?.articles?.[0]?.current_step).toBe("research");
    const ready = applied(stepped, event({ kind: "article", article_id: "a1", status: "ready" }));
    expect(ready.rows?.[0]?.articles?.[0]).toMatchObject({ status: "ready", current_step: "writer_b" });
  });

  it("leave the run alone for an event about something it does not hold", () => {
    expect(applied(run, event({ kind: "step", article_id: "elsewhere", step: "seo" }))).toEqual(run);
  });
});
