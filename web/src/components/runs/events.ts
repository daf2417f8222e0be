/** What one server-sent event of a run changes in the run as the page holds it. */

import type { components } from "@/api/schema";

export type Run = components["schemas"]["RunOut"];
export type RunEvent = components["schemas"]["RunEventOut"];
type Row = NonNullable<Run["rows"]>[number];

/** Apply what an event says at once (the lag a person sees), before the full run is read. */
export function applied(run: Run, event: RunEvent): Run {
  if (event.kind === "run") return { ...run, status: event.status as Run["status"] };
  if (event.kind === "row" && event.row_number !== null) {
    return {
      ...run,
      rows: (run.rows ?? []).map((row) =>
        row.row_number === event.row_number ? { ...row, status: event.status as Row["status"], step: event.step ?? row.step } : row,
      ),
    };
  }
  if ((event.kind === "article" || event.kind === "step") && event.article_id) {
    return {
      ...run,
      rows: (run.rows ?? []).map((row) => ({
        ...row,
        articles: (row.articles ?? []).map((article) =>
          article.article_id !== event.article_id
            ? article
            : event.kind === "article"
              ? { ...article, status: event.status as typeof article.status }
              : { ...article, current_step: event.step ?? article.current_step },
        ),
      })),
    };
  }
  return run;
}
