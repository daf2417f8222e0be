"use client";

import { Alert, Button, Group, Select, Stack, Text, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useMemo, useState, type FormEvent } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

import { timeZoneOptions, zoneOffset } from "./zones";

/** The workspace's time zone (`PATCH /tenant`): pipeline schedules fire by its clock and
 * every page shows times in it. Owners and admins change it; others see it. */
export function TimeZoneSetting(props: { zone: string; canEdit: boolean }) {
  const t = useTranslations("tenantSettings.timeZone");
  const format = useFormatter();
  const router = useRouter();
  const [zone, setZone] = useState(props.zone);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // Each offset takes a formatter of its own: 400-odd of them cost ~90 ms in Node here and
  // more in a busy browser, on the server render and again at hydration. The list gets them
  // when it first opens; the first render labels only the current zone.
  const [opened, setOpened] = useState(false);
  const options = useMemo(() => {
    const now = new Date();
    const zones = timeZoneOptions();
    // A zone the API holds that this browser's list lacks still shows as the current value.
    if (!zones.includes(props.zone)) zones.unshift(props.zone);
    return zones.map((value) => {
      const offset = opened || value === zone ? zoneOffset(value, now) : "";
      return { value, label: offset ? `${value} (${offset})` : value };
    });
  }, [props.zone, opened, zone]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const response = await fetch("/api/v1/tenant", {
        method: "PATCH",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ time_zone: zone }),
      });
      if (response.ok) {
        const saved = (await response.json()) as { time_zone: string };
        setZone(saved.time_zone);
        setMessage({ ok: true, text: t("saved", { zone: saved.time_zone }) });
        // Every server-rendered time on the next render uses the new zone.
        router.refresh();
      } else {
        setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setMessage({ ok: false, text: t("failed") });
    }
    setBusy(false);
  }

  // The clock in the chosen zone, after hydration (the server's minute may not be the page's).
  const [now, setNow] = useState("");
  useEffect(() => {
    try {
      setNow(format.dateTime(new Date(), { weekday: "short", hour: "2-digit", minute: "2-digit", timeZone: zone }));
    } catch {
      setNow("");
    }
  }, [format, zone]);

  return (
    <Stack component="section" aria-labelledby="time-zone-heading" gap="sm" maw={640}>
      <Title order={2} size="h4" id="time-zone-heading">
        {t("title")}
      </Title>
      <form onSubmit={save}>
        <Group align="flex-end">
          <Select
            label={t("label")}
            description={t("help")}
            data={options}
            value={zone}
            onChange={(value) => value && setZone(value)}
            onDropdownOpen={() => setOpened(true)}
            searchable
            allowDeselect={false}
            nothingFoundMessage={t("nothingFound")}
            disabled={!props.canEdit}
            maxDropdownHeight={280}
            w={360}
            data-testid="time-zone-select"
          />
          {props.canEdit && (
            <Button type="submit" loading={busy} disabled={zone === props.zone}>
              {t("save")}
            </Button>
          )}
        </Group>
      </form>
      {now && (
        <Text size="sm" data-testid="time-zone-now">
          {t("now", { zone, time: now })}
        </Text>
      )}
      {!props.canEdit && <Text size="sm">{t("adminsOnly")}</Text>}
      {message && (
        <Alert color={message.ok ? "green" : "red"} role={message.ok ? "status" : "alert"} data-testid="time-zone-message">
          {message.text}
        </Alert>
      )}
    </Stack>
  );
}
