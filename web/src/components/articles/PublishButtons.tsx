"use client";

import { Alert, Anchor, Button, Group, Stack, Text } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type Publication = components["schemas"]["WebPublicationOut"];

/** Publish a ready article to the workspace's public blog, publish it again after an edit,
 * or take it down. The API decides what may be published (a ready article only). */
export function PublishButtons({ articleId, publication }: { articleId: string; publication: Publication }) {
  const t = useTranslations("blog");
  const router = useRouter();
  const [busy, setBusy] = useState<"publish" | "unpublish" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function send(action: "publish" | "unpublish") {
    setBusy(action);
    setError(null);
    try {
      const response = await fetch(`/api/v1/articles/${articleId}/publish-web`, {
        method: action === "publish" ? "POST" : "DELETE",
        headers: { ...csrfHeaders() },
      });
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
      {publication.published && publication.url ? (
        <Text size="sm" data-testid="public-url">
          {t("liveAt")}{" "}
          <Anchor href={publication.url} target="_blank" rel="noopener">
            {publication.url}
          </Anchor>
        </Text>
      ) : (
        <Text size="sm">{t("notPublished")}</Text>
      )}
      {publication.outdated && <Text size="sm">{t("outdated")}</Text>}
      <Group>
        <Button onClick={() => send("publish")} loading={busy === "publish"} disabled={busy !== null}>
          {publication.published ? t("republish") : t("publish")}
        </Button>
        {publication.published && (
          <Button variant="default" onClick={() => send("unpublish")} loading={busy === "unpublish"} disabled={busy !== null}>
            {t("unpublish")}
          </Button>
        )}
      </Group>
      {error && (
        <Alert color="red" role="alert" title={t("failed")}>
          {error}
        </Alert>
      )}
    </Stack>
  );
}
