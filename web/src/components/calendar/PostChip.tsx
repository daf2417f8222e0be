"use client";

import { Box, Text, UnstyledButton } from "@mantine/core";
import { useFormatter, useTranslations } from "next-intl";

import { STATUS_COLOURS, STEERABLE, type Post, type SocialAccount } from "./actions";

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
  const format = useFormatter();
  const { post } = props;
  const draggable = props.canMove && STEERABLE.has(post.status);
  const time = format.dateTime(new Date(post.scheduled_at), { timeStyle: "short", timeZone: props.timeZone });
  const platform = tp(post.platform as "x");
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
      <Box>
        <Text size="xs" fw={600} c="dark.9" lineClamp={1}>
          {time} · {platform}
        </Text>
        <Text size="xs" c="dark.9" lineClamp={1}>
          {ts(post.status)}
          {props.account ? ` · ${props.account.name}` : ""}
        </Text>
      </Box>
    </UnstyledButton>
  );
}
