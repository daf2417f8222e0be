/** A unified diff, each line marked added, removed or context — in words for screen readers
 * (the +/- prefix stays) and in colour for the eye. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const lines = diff.split("\n").filter((line, index, all) => !(index === all.length - 1 && line === ""));
  return (
    <pre className="diff" aria-label={label} tabIndex={0}>
      {lines.map((line, index) => {
        const kind =
          line.startsWith("+++") || line.startsWith("---")
            ? "file"
            : line.startsWith("@@")
              ? "hunk"
              : line.startsWith("+")
                ? "added"
                : line.startsWith("-")
                  ? "removed"
                  : "context";
        return (
          <span key={index} className={`diff-line diff-${kind}`} data-diff={kind}>
            {line}
            {"\n"}
          </span>
        );
      })}
    </pre>
  );
}
