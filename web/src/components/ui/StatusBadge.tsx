import { Badge } from "@mantine/core";

const COLOURS: Record<string, string> = {
  queued: "gray",
  running: "blue",
  publishing: "blue",
  scheduled: "blue",
  waiting_quota: "yellow",
  awaiting_approval: "yellow",
  needs_review: "orange",
  ready: "green",
  published: "green",
  connected: "green",
  rejected: "gray",
  cancelled: "gray",
  disconnected: "gray",
  failed: "red",
  no_sources: "red",
  unconfirmed: "orange",
  needs_reconnect: "orange",
};

/** A status as a dot badge: the label stays in the body text colour, so it keeps its
 * contrast whatever the status colour is. */
export function StatusBadge({ status, label }: { status: string; label: string }) {
  return (
    <Badge variant="dot" color={COLOURS[status] ?? "gray"} data-status={status}>
      {label}
    </Badge>
  );
}
