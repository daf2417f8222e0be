/** The API's usage rows (per day, provider, model and task) as a chart's series: one stack per
 * day, one segment per model or per task. Pure, so it is unit-tested. */

export interface UsageRow {
  day: string;
  provider: string | null;
  model: string | null;
  task: string;
  calls: number;
  failures: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: string | number;
}

export type Measure = "cost" | "tokens" | "calls";
export type GroupBy = "model" | "task";

export interface Series {
  days: string[];
  keys: string[];
  /** values[dayIndex][keyIndex] */
  values: number[][];
  totals: Record<string, number>;
  max: number;
}

export function measureOf(row: UsageRow, measure: Measure): number {
  switch (measure) {
    case "cost":
      return Number(row.cost_usd);
    case "tokens":
      return row.prompt_tokens + row.completion_tokens;
    case "calls":
      return row.calls;
  }
}

export function keyOf(row: UsageRow, groupBy: GroupBy, unknown: string): string {
  if (groupBy === "task") return row.task;
  return row.model ? (row.provider ? `${row.provider}/${row.model}` : row.model) : unknown;
}

/** Every day from `since` to `until` (UTC dates, inclusive), so a quiet day is an empty bar. */
export function daysBetween(since: Date, until: Date): string[] {
  const days: string[] = [];
  const cursor = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  const end = Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate());
  while (cursor.getTime() <= end) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

export function buildSeries(rows: UsageRow[], days: string[], measure: Measure, groupBy: GroupBy, unknown: string): Series {
  const totals: Record<string, number> = {};
  for (const row of rows) {
    const key = keyOf(row, groupBy, unknown);
    totals[key] = (totals[key] ?? 0) + measureOf(row, measure);
  }
  const keys = Object.keys(totals).sort((a, b) => (totals[b] ?? 0) - (totals[a] ?? 0) || a.localeCompare(b));
  const dayIndex = new Map(days.map((day, index) => [day, index]));
  const values = days.map(() => keys.map(() => 0));
  for (const row of rows) {
    const index = dayIndex.get(row.day.slice(0, 10));
    const day = index === undefined ? undefined : values[index];
    if (!day) continue;
    const key = keys.indexOf(keyOf(row, groupBy, unknown));
    day[key] = (day[key] ?? 0) + measureOf(row, measure);
  }
  const max = Math.max(0, ...values.map((day) => day.reduce((sum, value) => sum + value, 0)));
  return { days, keys, values, totals, max };
}
