"use client";

import { Alert, Button, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type Webhook = components["schemas"]["WebhookOut"];
type TestResult = components["schemas"]["WebhookTestOut"];

/** The Slack-compatible webhook the workspace's notifications also go to (owners and admins;
 * `/notifications/webhook`). The URL is a secret the API never shows again: the page shows
 * its scheme and host only. Set or replace, send a test message, remove. */
export function WebhookSetting(props: { webhook: Webhook }) {
  const t = useTranslations("tenantSettings.webhook");
  const format = useFormatter();
  const router = useRouter();
  const [url, setUrl] = useState("");
  const [busy, setBusy] = useState<"save" | "test" | "remove" | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const { webhook } = props;

  async function call(
    kind: "save" | "test" | "remove",
    init: { method: string; path?: string; body?: string; headers?: Record<string, string> },
  ): Promise<Response | null> {
    setBusy(kind);
    setMessage(null);
    try {
      return await fetch(init.path ?? "/api/v1/notifications/webhook", {
        method: init.method,
        body: init.body,
        headers: { ...init.headers, ...csrfHeaders() },
      });
    } catch {
      setMessage({ ok: false, text: t("failed") });
      return null;
    } finally {
      setBusy(null);
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const response = await call("save", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: url.trim() }),
    });
    if (!response) return;
    if (response.ok) {
      const saved = (await response.json()) as Webhook;
      setUrl("");
      setMessage({ ok: true, text: t("saved", { hint: saved.hint ?? "" }) });
      router.refresh();
    } else {
      setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
    }
  }

  async function sendTest() {
    const response = await call("test", { method: "POST", path: "/api/v1/notifications/webhook/test" });
    if (!response) return;
    if (response.ok) {
      const result = (await response.json()) as TestResult;
      setMessage(
        result.delivered
          ? { ok: true, text: t("testDelivered", { status: String(result.status_code ?? "") }) }
          : { ok: false, text: t("testFailed", { error: result.error ?? "" }) },
      );
    } else {
      setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
    }
  }

  async function remove() {
    const response = await call("remove", { method: "DELETE" });
    if (!response) return;
    if (response.ok) {
      setMessage({ ok: true, text: t("removed") });
      router.refresh();
    } else {
      setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
    }
  }

  return (
    <Stack component="section" aria-labelledby="webhook-heading" gap="sm" maw={720}>
      <Title order={2} size="h4" id="webhook-heading">
        {t("title")}
      </Title>
      <Text size="sm">{t("intro")}</Text>
      <Text size="sm" data-testid="webhook-current">
        {webhook.configured
          ? t("current", {
              hint: webhook.hint ?? "",
              since: webhook.created_at ? format.dateTime(new Date(webhook.created_at), { dateStyle: "medium" }) : "—",
            })
          : t("none")}
      </Text>
      <form onSubmit={save}>
        <Group align="flex-end">
          <TextInput
            type="url"
            label={webhook.configured ? t("replaceLabel") : t("label")}
            description={t("help")}
            placeholder="https://hooks.slack.com/services/…"
            value={url}
            onChange={(event) => setUrl(event.currentTarget.value)}
            autoComplete="off"
            spellCheck={false}
            maxLength={2000}
            required
            w={440}
          />
          <Button type="submit" loading={busy === "save"} disabled={!url.trim()}>
            {t("save")}
          </Button>
        </Group>
      </form>
      {webhook.configured && (
        <Group>
          <Button variant="default" onClick={sendTest} loading={busy === "test"} disabled={busy !== null}>
            {t("test")}
          </Button>
          <Button variant="default" onClick={remove} loading={busy === "remove"} disabled={busy !== null}>
            {t("remove")}
          </Button>
        </Group>
      )}
      {message && (
        <Alert color={message.ok ? "green" : "red"} role={message.ok ? "status" : "alert"} data-testid="webhook-message">
          {message.text}
        </Alert>
      )}
    </Stack>
  );
}
