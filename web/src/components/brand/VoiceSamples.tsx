"use client";

import { Alert, Button, Card, Group, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type Sample = components["schemas"]["VoiceSampleOut"];

/** Passages in the brand's voice: writers see the closest ones to their topic. */
export function VoiceSamples(props: { samples: Sample[]; canEdit: boolean }) {
  const t = useTranslations("workspace.voice");
  const format = useFormatter();
  const router = useRouter();
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function add() {
    setBusy("add");
    setError(null);
    try {
      const response = await fetch("/api/v1/brand/voice-samples", {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ title: title.trim() || null, text: text.trim() }),
      });
      if (response.ok) {
        setTitle("");
        setText("");
        router.refresh();
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  async function remove(id: string) {
    setBusy(id);
    setError(null);
    const response = await fetch(`/api/v1/brand/voice-samples/${id}`, { method: "DELETE", headers: csrfHeaders() });
    if (response.ok) router.refresh();
    else setError((await problemMessage(response)) ?? t("failed"));
    setBusy(null);
  }

  return (
    <Stack component="section" aria-labelledby="voice-heading">
      <Title order={2} size="h4" id="voice-heading">
        {t("title")}
      </Title>
      <Text size="sm">{t("explain")}</Text>
      {props.samples.length === 0 && <Text size="sm">{t("empty")}</Text>}
      <Stack gap="xs" data-testid="voice-samples">
        {props.samples.map((sample) => (
          <Card withBorder key={sample.id} padding="sm" data-testid="voice-sample">
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Stack gap={2}>
                {sample.title && <Text fw={600}>{sample.title}</Text>}
                <Text size="sm" lineClamp={4}>
                  {sample.text}
                </Text>
                <Text size="xs" c="dimmed">
                  {format.dateTime(new Date(sample.created_at), { dateStyle: "medium" })}
                </Text>
              </Stack>
              {props.canEdit && (
                <Button
                  size="compact-sm"
                  variant="default"
                  onClick={() => remove(sample.id)}
                  loading={busy === sample.id}
                  aria-label={t("removeOne", { title: sample.title ?? sample.text.slice(0, 40) })}
                >
                  {t("remove")}
                </Button>
              )}
            </Group>
          </Card>
        ))}
      </Stack>
      {props.canEdit && (
        <Stack gap="xs">
          <TextInput label={t("sampleTitle")} value={title} onChange={(event) => setTitle(event.currentTarget.value)} maxLength={300} />
          <Textarea label={t("sampleText")} value={text} onChange={(event) => setText(event.currentTarget.value)} minRows={3} autosize maxLength={20000} />
          <Group>
            <Button onClick={add} loading={busy === "add"} disabled={!text.trim()}>
              {t("add")}
            </Button>
          </Group>
        </Stack>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
