"use client";

import { Badge, Box, Group, Text, UnstyledButton } from "@mantine/core";
import { useFormatter, useTranslations } from "next-intl";

import { STATUS_COLOURS, STEERABLE, type Post, type SocialAccount } from "./actions";
import { postMedia } from "./media";

/** A post in a calendar cell: its status as a colour bar and as words (colour is never the
 * only signal), the time in the tenant's zone, the platform and the account. A steerable post
 * can be dragged to another day or slot (the panel's "Move to…" does the same by keyboard). */
export function PostChip(props: {
  post: Post;
  account: SocialAccount | undefined;
  timeZone: string;
  canMove: boolean;
  onOpen: (post: Post) => void;
}) {
  const tp = useTranslations("posting.platform");
  const ts = useTranslations("postStatus");
  const tc = useTranslations("posting.calendar");
  const format = useFormatter();
  const { post } = props;
  const draggable = props.canMove && STEERABLE.has(post.status);
  const time = format.dateTime(new Date(post.scheduled_at), { timeStyle: "short", timeZone: props.timeZone });
  const platform = tp(post.platform as "x");
  const media = postMedia(post);
  const video = media?.kind === "video" ? media : null;
  return (
    <UnstyledButton
      onClick={() => props.onOpen(post)}
      draggable={draggable}
      onDragStart={(event) => {
        event.dataTransfer.setData("text/x-icop-post", post.id);
        event.dataTransfer.setData("text/plain", post.id);
        event.dataTransfer.effectAllowed = "move";
      }}
      data-post-id={post.id}
      data-status={post.status}
      data-platform={post.platform}
      data-media={media?.kind ?? "none"}
      style={{
        display: "block",
        width: "100%",
        borderLeft: `4px solid var(--mantine-color-${STATUS_COLOURS[post.status]}-6)`,
        background: `var(--mantine-color-${STATUS_COLOURS[post.status]}-0)`,
        borderRadius: 4,
        padding: "2px 6px",
        marginBottom: 4,
        cursor: draggable ? "grab" : "pointer",
      }}
    >
      <Group gap={6} wrap="nowrap" align="center">
        {video && (
          // The cover frame (or a dark frame when the post names none): a video at a glance.
          <Box
            aria-hidden
            data-testid="chip-cover"
            style={{
              flex: "0 0 auto",
              width: 22,
              height: 39,
              borderRadius: 3,
              background: video.cover ? `#000 center / cover no-repeat url("${video.cover}")` : "var(--mantine-color-dark-6)",
            }}
          />
        )}
        <Box style={{ minWidth: 0 }}>
          <Text size="xs" fw={600} c="dark.9" lineClamp={1}>
            {time} · {platform}
          </Text>
          <Text size="xs" c="dark.9" lineClamp={1}>
            {ts(post.status)}
            {props.account ? ` · ${props.account.name}` : ""}
          </Text>
          {video && (
            <Badge size="xs" variant="filled" color="dark" data-testid="video-badge">
              ▶ {tc("video")}
            </Badge>
          )}
        </Box>
      </Group>
    </UnstyledButton>
  );
}
