"use client";

import { Alert, Button, Group, Stack, Text, Textarea } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

async function post(url: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...extra, ...csrfHeaders() },
    body: JSON.stringify(body),
  });
}

/** Restore an old version: a new version with its text (history is kept), named against the
 * current one so that it cannot silently undo a save made meanwhile. */
export function RestoreButton(props: { articleId: string; number: number; current: number }) {
  const t = useTranslations("versions");
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function restore() {
    setBusy(true);
    setError(null);
    try {
      const response = await post(
        `/api/v1/articles/${props.articleId}/versions/${props.number}/restore`,
        {},
        { "if-match": `"v${props.current}"` },
      );
      if (response.ok) {
        router.push(`/articles/${props.articleId}`);
        router.refresh();
      } else {
        setError(response.status === 412 ? t("restoreConflict") : ((await problemMessage(response)) ?? t("failed")));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  return (
    <Stack gap="xs">
      <Group>
        <Button variant="default" onClick={restore} loading={busy}>
          {t("restore", { number: props.number })}
        </Button>
      </Group>
      {error && (
        <Alert color="red" role="alert" title={t("failed")}>
          {error}
        </Alert>
      )}
    </Stack>
  );
}

/** Approve or reject an article that waits for a person, with an optional comment. */
export function DecisionButtons({ articleId }: { articleId: string }) {
  const t = useTranslations("decision");
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState<"approve" | "reject" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function decide(verdict: "approve" | "reject") {
    setBusy(verdict);
    setError(null);
    try {
      const response = await post(`/api/v1/articles/${articleId}/${verdict}`, reason.trim() ? { reason: reason.trim() } : {});
      if (response.ok) {
        router.refresh();
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  return (
    <Stack gap="xs">
      <Text size="sm">{t("waiting")}</Text>
      <Textarea label={t("comment")} value={reason} onChange={(event) => setReason(event.currentTarget.value)} maxLength={1000} />
      <Group>
        <Button onClick={() => decide("approve")} loading={busy === "approve"} disabled={busy !== null}>
          {t("approve")}
        </Button>
        <Button variant="default" onClick={() => decide("reject")} loading={busy === "reject"} disabled={busy !== null}>
          {t("reject")}
        </Button>
      </Group>
      {error && (
        <Alert color="red" role="alert" title={t("failed")}>
          {error}
        </Alert>
      )}
    </Stack>
  );
}
