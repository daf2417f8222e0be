"use client";

import { Alert, Button, Group, List, ListItem, Stack, Switch, Text, TextInput } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useLocale, useTimeZone, useTranslations } from "next-intl";
import { useMemo, useState } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

import { previewCron } from "./cron";

/** The pipeline's cron schedule: a human-readable preview and the next three runs while
 * typing; saved with `PATCH /pipelines/{id}` (`""` removes it), whose refusal is shown. */
export function ScheduleEditor(props: { pipelineId: string; cron: string | null; paused: boolean; canEdit: boolean }) {
  const t = useTranslations("accountPlans.pipelines");
  const locale = useLocale();
  const zone = useTimeZone() ?? "UTC";
  const format = useFormatter();
  const router = useRouter();
  const [cron, setCron] = useState(props.cron ?? "");
  const [paused, setPaused] = useState(props.paused);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // Read in the tenant's zone, as the API has Temporal read it.
  const preview = useMemo(() => previewCron(cron, locale, new Date(), 3, zone), [cron, locale, zone]);

  async function save(body: { schedule_cron?: string; schedule_paused?: boolean }) {
    setBusy(true);
    setMessage(null);
    try {
      const response = await fetch(`/api/v1/pipelines/${props.pipelineId}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        const saved = (await response.json()) as { schedule_cron: string | null; schedule_paused: boolean };
        setCron(saved.schedule_cron ?? "");
        setPaused(saved.schedule_paused);
        setMessage({ ok: true, text: saved.schedule_cron ? t("scheduleSaved") : t("scheduleRemoved") });
        router.refresh();
      } else {
        setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setMessage({ ok: false, text: t("failed") });
    }
    setBusy(false);
  }

  return (
    <Stack gap="sm" maw={640}>
      <TextInput
        label={t("cron")}
        description={t("cronHelp", { zone })}
        value={cron}
        onChange={(event) => setCron(event.currentTarget.value)}
        readOnly={!props.canEdit}
        maxLength={120}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
      />
      <div data-testid="cron-preview" aria-live="polite">
        {preview.kind === "empty" && <Text size="sm">{t("noSchedule")}</Text>}
        {preview.kind === "invalid" && (
          <Text size="sm" c="red.8">
            {t("cronInvalid")}
          </Text>
        )}
        {preview.kind === "interval" && <Text size="sm">{t("interval", { every: preview.every })}</Text>}
        {preview.kind === "cron" && (
          <>
            <Text size="sm" fw={500}>
              {t("cronDescribed", { description: preview.description, zone })}
            </Text>
            <Text size="sm" mt="xs">
              {t("nextRuns", { zone })}
            </Text>
            <List size="sm">
              {preview.next.map((time) => (
                <ListItem key={time.toISOString()}>
                  <time dateTime={time.toISOString()}>
                    {format.dateTime(time, { weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone })}
                  </time>
                </ListItem>
              ))}
            </List>
          </>
        )}
      </div>
      {props.canEdit && (
        <Group>
          <Button onClick={() => save({ schedule_cron: cron.trim() })} loading={busy}>
            {t("saveSchedule")}
          </Button>
          {props.cron && (
            <Button variant="default" onClick={() => save({ schedule_cron: "" })} disabled={busy}>
              {t("removeSchedule")}
            </Button>
          )}
          {props.cron && (
            <Switch
              label={t("pauseSchedule")}
              checked={paused}
              disabled={busy}
              onChange={(event) => save({ schedule_paused: event.currentTarget.checked })}
            />
          )}
        </Group>
      )}
      {message && (
        <Alert color={message.ok ? "green" : "red"} title={message.ok ? undefined : t("failed")} role={message.ok ? "status" : "alert"}>
          {message.text}
        </Alert>
      )}
    </Stack>
  );
}
