"use client";

import { Alert, Anchor, Badge, Button, Drawer, Group, List, ListItem, Stack, Text, TextInput } from "@mantine/core";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import { StatusBadge } from "@/components/ui/StatusBadge";

import { checkUrl, RETRYABLE, steer, STEERABLE, type Post, type SocialAccount } from "./actions";
import { postMedia } from "./media";
import { fromLocalInput, localInputValue } from "./zoned";

/** A post's details and what may be done with it now: move (the keyboard's way to
 * reschedule), publish now and cancel while it waits; retry when it failed or is unconfirmed.
 * An unconfirmed post may already be live: the panel says so and links to where to look. */
export function PostPanel(props: {
  post: Post;
  account: SocialAccount | undefined;
  timeZone: string;
  canEdit: boolean;
  onClose: () => void;
  onMove: (when: Date) => Promise<boolean>;
  onChanged: (post: Post) => void;
}) {
  const t = useTranslations("posting.calendar");
  const tp = useTranslations("posting.platform");
  const ts = useTranslations("postStatus");
  const format = useFormatter();
  const { post } = props;
  const [when, setWhen] = useState(localInputValue(new Date(post.scheduled_at), props.timeZone));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const steerable = props.canEdit && STEERABLE.has(post.status);
  const check = checkUrl(post, props.account);
  const media = postMedia(post);
  const at = (value: string | null | undefined) =>
    value ? format.dateTime(new Date(value), { dateStyle: "medium", timeStyle: "short", timeZone: props.timeZone }) : "—";

  async function act(action: "publish-now" | "cancel" | "retry") {
    setBusy(action);
    setError(null);
    const result = await steer(post.id, action, action === "retry" ? {} : undefined);
    if (result.ok) props.onChanged(result.post);
    else setError(result.message ?? t("failed"));
    setBusy(null);
  }

  async function move() {
    const target = fromLocalInput(when, props.timeZone);
    if (!target) {
      setError(t("badDate"));
      return;
    }
    setBusy("move");
    setError(null);
    await props.onMove(target);
    setBusy(null);
  }

  return (
    <Drawer opened onClose={props.onClose} position="right" size="md" title={t("detailTitle")} closeButtonProps={{ "aria-label": t("close") }}>
      <Stack gap="sm" data-testid="post-panel" data-post-id={post.id} data-status={post.status}>
        <Group gap="xs">
          <StatusBadge status={post.status} label={ts(post.status)} />
          <Text size="sm">
            {tp(post.platform as "x")}
            {props.account ? ` · ${props.account.name}` : ""}
          </Text>
        </Group>
        <Text size="sm">{t("scheduledFor", { when: at(post.scheduled_at) })}</Text>
        {post.published_at && <Text size="sm">{t("publishedAt", { when: at(post.published_at) })}</Text>}
        {post.delay_reason && <Text size="sm">{t("delay", { reason: post.delay_reason })}</Text>}
        {post.status === "unconfirmed" && (
          <Alert color="orange" title={t("unconfirmedTitle")} data-testid="unconfirmed-warning">
            <Text size="sm">{t("unconfirmedBody")}</Text>
            {check && (
              <Anchor href={check} target="_blank" rel="noreferrer" size="sm">
                {t("checkLink")}
              </Anchor>
            )}
          </Alert>
        )}
        {post.error && (
          <Alert color="red" title={t("error")}>
            {post.error}
          </Alert>
        )}
        {media?.kind === "video" && (
          <Stack gap={4} data-testid="post-video">
            <Group gap="xs">
              <Badge size="sm" variant="filled" color="dark">
                ▶ {t("video")}
              </Badge>
            </Group>
            {/* A vertical video, shown as the platform shows it; the cover is its poster. */}
            <video
              controls
              preload="none"
              src={media.url}
              poster={media.cover ?? undefined}
              aria-label={t("videoPlayer")}
              style={{ width: "100%", maxWidth: 240, aspectRatio: "9 / 16", borderRadius: 8, background: "#000", objectFit: "cover" }}
            />
          </Stack>
        )}
        {media?.kind === "image" && (
          // eslint-disable-next-line @next/next/no-img-element -- a post's own media, from anywhere
          <img src={media.url} alt={media.alt ?? t("image")} data-testid="post-image" style={{ maxWidth: "100%", maxHeight: 240, borderRadius: 8, objectFit: "contain", alignSelf: "flex-start" }} />
        )}
        <Stack gap={4}>
          <Text size="sm" fw={700}>
            {t("text")}
          </Text>
          {post.parts.map((part, index) => (
            <Text key={index} size="sm" style={{ whiteSpace: "pre-wrap" }} data-testid="post-part">
              {part.text}
            </Text>
          ))}
        </Stack>
        {post.platform_post_ids.some(Boolean) && (
          <Text size="sm" data-testid="platform-post-id">
            {t("platformId", { id: post.platform_post_ids.filter(Boolean).join(", ") })}
            {post.permalink && (
              <>
                {" "}
                <Anchor href={post.permalink} target="_blank" rel="noreferrer">
                  {t("permalink")}
                </Anchor>
              </>
            )}
          </Text>
        )}
        {(post.attempts ?? []).length > 0 && (
          <Stack gap={2}>
            <Text size="sm" fw={700}>
              {t("attempts")}
            </Text>
            <List size="xs">
              {(post.attempts ?? []).map((attempt) => (
                <ListItem key={attempt.id}>
                  {at(attempt.intent_at)} · {attempt.outcome ?? t("noAnswer")}
                  {attempt.error_message ? ` · ${attempt.error_message}` : ""}
                </ListItem>
              ))}
            </List>
          </Stack>
        )}
        {steerable && (
          <Stack gap="xs">
            <Group align="end" gap="xs">
              <TextInput type="datetime-local" label={t("moveTo")} value={when} onChange={(event) => setWhen(event.currentTarget.value)} />
              <Button variant="default" onClick={move} loading={busy === "move"} disabled={busy !== null}>
                {t("move")}
              </Button>
            </Group>
            <Group gap="xs">
              <Button onClick={() => act("publish-now")} loading={busy === "publish-now"} disabled={busy !== null}>
                {t("publishNow")}
              </Button>
              <Button variant="default" onClick={() => act("cancel")} loading={busy === "cancel"} disabled={busy !== null}>
                {t("cancelPost")}
              </Button>
            </Group>
          </Stack>
        )}
        {props.canEdit && RETRYABLE.has(post.status) && (
          <Group gap="xs">
            <Button onClick={() => act("retry")} loading={busy === "retry"} disabled={busy !== null}>
              {post.status === "unconfirmed" ? t("recheckRetry") : t("retry")}
            </Button>
          </Group>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
      </Stack>
    </Drawer>
  );
}
