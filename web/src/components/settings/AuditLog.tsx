import { Anchor, Button, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";

import type { components } from "@/api/schema";
import { DataTable } from "@/components/ui/DataTable";

type AuditEvent = components["schemas"]["AuditEventOut"];

export const AUDIT_PAGE = 20;

function pageHref(action: string, page: number): string {
  const query = new URLSearchParams();
  if (action) query.set("action", action);
  if (page > 1) query.set("page", String(page));
  const text = query.toString();
  return `/settings${text ? `?${text}` : ""}#audit-heading`;
}

/** The audit log, newest first, a page at a time, filtered by action through the URL (a plain
 * GET form: it works before the page's script has loaded, and a filtered page can be shared). */
export async function AuditLog(props: { events: AuditEvent[]; action: string; page: number; more: boolean }) {
  const t = await getTranslations("workspace.audit");
  const format = await getFormatter();
  // The tenant's zone, as on every other page (src/i18n/zone.ts); the column says which.
  const zone = await getTimeZone();
  return (
    <Stack component="section" aria-labelledby="audit-heading">
      <Title order={2} size="h4" id="audit-heading">
        {t("title")}
      </Title>
      <form method="get" action="/settings" role="search" aria-label={t("filter")}>
        <Group align="flex-end">
          <TextInput name="action" label={t("action")} description={t("actionHint")} defaultValue={props.action} maxLength={64} w={280} />
          <Button type="submit" variant="default">
            {t("filter")}
          </Button>
          {props.action && (
            <Anchor component={Link} href="/settings#audit-heading" size="sm">
              {t("clear")}
            </Anchor>
          )}
        </Group>
      </form>
      <div data-testid="audit-log">
        <DataTable
          caption={t("title")}
          empty={t("empty")}
          headers={[t("when", { zone }), t("action"), t("actor"), t("target"), t("details")]}
          rows={props.events.map((event) => [
            format.dateTime(new Date(event.created_at), { dateStyle: "medium", timeStyle: "short", timeZone: zone }),
            <code key="action">{event.action}</code>,
            `${event.actor_kind}${event.actor_id ? ` ${event.actor_id.slice(0, 8)}` : ""}`,
            event.target_type ? `${event.target_type}${event.target_id ? ` ${event.target_id.slice(0, 8)}` : ""}` : "—",
            // Wrapped anywhere: one long JSON word would make the table scroll sideways.
            Object.keys(event.details).length ? (
              <code key="details" style={{ wordBreak: "break-all", whiteSpace: "normal" }}>
                {JSON.stringify(event.details).slice(0, 120)}
              </code>
            ) : (
              "—"
            ),
          ])}
        />
      </div>
      <Group>
        {props.page > 1 && (
          <Anchor component={Link} href={pageHref(props.action, props.page - 1)}>
            {t("newer")}
          </Anchor>
        )}
        <Text size="sm">{t("page", { page: props.page })}</Text>
        {props.more && (
          <Anchor component={Link} href={pageHref(props.action, props.page + 1)}>
            {t("older")}
          </Anchor>
        )}
      </Group>
    </Stack>
  );
}
