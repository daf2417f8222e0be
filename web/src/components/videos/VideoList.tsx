"use client";

import { Alert, Anchor, Badge, Box, Button, Card, Checkbox, Group, List, ListItem, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import type { components } from "@/api/schema";
import { StatusBadge } from "@/components/ui/StatusBadge";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type Video = components["schemas"]["VideoOut"];
type Post = components["schemas"]["PostOut"];
type Platform = NonNullable<components["schemas"]["VideoPublish"]["platforms"]>[number];

const PLATFORMS: Platform[] = ["instagram", "facebook", "threads", "x"];
const SEGMENT_STATUS = { pending: "queued", ok: "ready", refused: "needs_review", failed: "failed" } as const;

function VideoCard(props: { video: Video; canEdit: boolean; platforms: Platform[] }) {
  const t = useTranslations("videos");
  const tp = useTranslations("posting.platform");
  const format = useFormatter();
  const { video } = props;
  const [chosen, setChosen] = useState<string[]>(props.platforms.filter((platform) => video.valid_for.length === 0 || video.valid_for.includes(platform)));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; posts?: Post[] } | null>(null);
  const headingId = `video-${video.id}`;

  async function publish() {
    setBusy(true);
    setResult(null);
    try {
      const response = await fetch(`/api/v1/videos/${video.id}/publish`, {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ platforms: chosen }),
      });
      if (response.ok) {
        const posts = (await response.json()) as Post[];
        setResult({ ok: true, text: posts.length ? t("published", { count: posts.length }) : t("alreadyPosted"), posts });
      } else {
        setResult({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setResult({ ok: false, text: t("failed") });
    }
    setBusy(false);
  }

  return (
    <Card withBorder component="article" aria-labelledby={headingId} data-testid="video" data-video-id={video.id} data-status={video.status}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Title order={2} size="h5" id={headingId}>
            {video.title}
          </Title>
          <StatusBadge status={video.status} label={t(`status.${video.status}`)} />
        </Group>
        <Text size="xs" c="dimmed">
          {t("facts", {
            provider: video.provider,
            platform: tp(video.platform as Platform),
            seconds: video.duration_s !== null ? format.number(video.duration_s, { maximumFractionDigits: 1 }) : video.target_seconds,
            when: format.dateTime(new Date(video.created_at), { dateStyle: "medium", timeStyle: "short" }),
          })}
          {video.width && video.height ? ` · ${video.width} × ${video.height}` : ""}
        </Text>
        {video.status === "ready" && video.url && (
          <Box maw={240}>
            <video controls preload="metadata" src={video.url} style={{ width: "100%", borderRadius: 8, background: "#000" }} aria-label={t("player", { title: video.title })} data-testid="video-player" />
          </Box>
        )}
        {video.valid_for.length > 0 && (
          <Group gap={4}>
            <Text size="sm">{t("validFor")}</Text>
            {video.valid_for.map((platform) => (
              <Badge key={platform} size="sm" variant="outline" c="dark.9">
                {tp(platform as Platform)}
              </Badge>
            ))}
          </Group>
        )}
        {video.error && (
          <Alert color="red" title={t("error")}>
            {video.error}
          </Alert>
        )}
        {(video.segments ?? []).length > 0 && (
          <Stack gap={2}>
            <Text size="sm" fw={700}>
              {t("segments")}
            </Text>
            <List size="sm" spacing={2} data-testid="segments">
              {(video.segments ?? []).map((segment) => (
                <ListItem key={segment.index} data-status={segment.status}>
                  <Group gap={6}>
                    <Text size="sm">{t("segment", { n: segment.index + 1 })}</Text>
                    <StatusBadge status={SEGMENT_STATUS[segment.status]} label={t(`segmentStatus.${segment.status}`)} />
                    <Text size="xs" c="dimmed">
                      {t("attempts", { count: segment.attempts })}
                      {segment.reasons.length > 0 ? ` · ${segment.reasons.join("; ")}` : ""}
                    </Text>
                  </Group>
                </ListItem>
              ))}
            </List>
          </Stack>
        )}
        {props.canEdit && video.status === "ready" && (
          <Stack gap={4}>
            <Checkbox.Group label={t("publishTo")} value={chosen} onChange={setChosen}>
              <Group gap="sm" mt={4}>
                {props.platforms.map((platform) => (
                  <Checkbox key={platform} value={platform} label={tp(platform)} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group>
              <Button onClick={publish} loading={busy} disabled={chosen.length === 0}>
                {t("publish")}
              </Button>
              <Anchor component={Link} href={`/calendar/compose?video=${video.id}`} size="sm">
                {t("schedule")}
              </Anchor>
            </Group>
          </Stack>
        )}
        <div role="status" aria-live="polite">
          {result && (
            <Alert color={result.ok ? "green" : "red"} role={result.ok ? undefined : "alert"} data-testid="publish-result">
              {result.text}{" "}
              {result.ok && result.posts?.[0] && (
                <Anchor component={Link} href="/calendar" size="sm">
                  {t("seeCalendar")}
                </Anchor>
              )}
            </Alert>
          )}
        </div>
      </Stack>
    </Card>
  );
}

/** Videos made from articles (or briefs): status and each segment's, a player once ready, and
 * "Publish" to the connected accounts; from an article, "Make a video". */
export function VideoList(props: { videos: Video[]; canEdit: boolean; articleId: string | null }) {
  const t = useTranslations("videos");
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  async function make() {
    if (!props.articleId) return;
    setBusy(true);
    setNotice(null);
    try {
      const response = await fetch("/api/v1/videos", {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ article_id: props.articleId }),
      });
      if (response.ok) {
        setNotice({ ok: true, text: t("started") });
        router.refresh();
      } else {
        setNotice({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setNotice({ ok: false, text: t("failed") });
    }
    setBusy(false);
  }

  return (
    <Stack gap="md">
      {props.canEdit && props.articleId && (
        <Group>
          <Button onClick={make} loading={busy}>
            {t("make")}
          </Button>
        </Group>
      )}
      <div role="status" aria-live="polite">
        {notice && (
          <Alert color={notice.ok ? "green" : "red"} title={notice.ok ? undefined : t("failed")} data-testid="make-notice">
            {notice.text}
          </Alert>
        )}
      </div>
      {props.videos.length === 0 ? (
        <Text size="sm" data-testid="videos-empty">
          {props.articleId ? t("noneForArticle") : t("none")}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {props.videos.map((video) => (
            <VideoCard key={video.id} video={video} canEdit={props.canEdit} platforms={PLATFORMS} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
