/** A grid of cells as CSV text (every field quoted, CRLF lines), the body the plan import
 * reads (`POST /pipelines/{id}/plan`, text/csv: header row first, columns by position). */
export function toCsv(rows: string[][]): string {
  return rows.map((cells) => cells.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(",")).join("\r\n") + "\r\n";
}
