"use client";

import { Alert, Button, Checkbox, Stack, Text, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type Links = components["schemas"]["PostLinksOut"];
type Platform = Links["platforms"][number]["platform"];

/** Per platform, whether the posts of an article on the public blog link to its page. The
 * help says why X (a post with a link costs more) and Instagram (captions do not make links
 * clickable) are off unless an admin turns them on. */
export function PostLinkSettings({ links, canEdit }: { links: Links; canEdit: boolean }) {
  const t = useTranslations("blogLinks.links");
  const tp = useTranslations("posting.platform");
  const router = useRouter();
  const initial = Object.fromEntries(links.platforms.map((p) => [p.platform, p.link_to_article])) as Record<Platform, boolean>;
  const [chosen, setChosen] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const changed = links.platforms.some((p) => chosen[p.platform] !== p.link_to_article);

  async function save() {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const response = await fetch("/api/v1/post-links", {
        method: "PUT",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ links: chosen }),
      });
      if (response.ok) {
        setSaved(true);
        router.refresh();
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  function help(item: Links["platforms"][number]): string {
    const parts: string[] = [];
    if (item.platform === "x" && item.price_per_post_usd && item.price_per_post_with_url_usd) {
      parts.push(t("xCost", { plain: item.price_per_post_usd, linked: item.price_per_post_with_url_usd }));
    }
    if (!item.link_clickable) parts.push(t("notClickable"));
    if (item.platform === "facebook") parts.push(t("facebook"));
    if (item.platform === "threads") parts.push(t("threads"));
    parts.push(item.default ? t("defaultOn") : t("defaultOff"));
    return parts.join(" ");
  }

  return (
    <Stack component="section" aria-labelledby="post-links-heading" gap="xs" data-testid="post-links">
      <Title order={2} size="h4" id="post-links-heading">
        {t("title")}
      </Title>
      <Text size="sm">{t("intro")}</Text>
      {links.platforms.map((item) => (
        <Checkbox
          key={item.platform}
          label={tp(item.platform)}
          description={help(item)}
          // Mantine's dimmed description falls below 4.5:1; the words stay in the text colour.
          styles={{ description: { color: "var(--mantine-color-text)" } }}
          checked={chosen[item.platform]}
          disabled={!canEdit}
          onChange={(event) => {
            const checked = event.currentTarget.checked;
            setChosen((previous) => ({ ...previous, [item.platform]: checked }));
            setSaved(false);
          }}
          data-platform={item.platform}
        />
      ))}
      {canEdit ? (
        <div>
          <Button onClick={save} loading={busy} disabled={!changed}>
            {t("save")}
          </Button>
        </div>
      ) : (
        <Text size="sm">{t("adminsOnly")}</Text>
      )}
      {saved && (
        <Alert color="green" role="status">
          {t("saved")}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
