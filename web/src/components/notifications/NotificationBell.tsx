"use client";

import { ActionIcon, Anchor, Badge, Box, Button, Group, Indicator, Popover, ScrollArea, Stack, Text } from "@mantine/core";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders } from "@/lib/browser";

type Notification = components["schemas"]["NotificationOut"];

/** Where a notice leads. A run's page needs its pipeline, which the notice does not carry, so
 * a failed run leads to the pipelines; a post to the calendar, where it is shown. */
export function notificationHref(notification: Pick<Notification, "target_type" | "target_id">): string {
  switch (notification.target_type) {
    case "article":
      return `/articles/${notification.target_id}`;
    case "run":
      return "/pipelines";
    case "post":
      return "/calendar";
    default:
      return "/";
  }
}

/** The bell in the header: the caller's unread count and the latest notices. There is no live
 * stream of notices in the API, so it reads them when the page changes and when it is opened —
 * never on a timer. */
export function NotificationBell() {
  const t = useTranslations("workspace.notifications");
  const format = useFormatter();
  const pathname = usePathname();
  const [opened, setOpened] = useState(false);
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<Notification[]>([]);
  const [failed, setFailed] = useState(false);

  const load = useCallback(async () => {
    try {
      const response = await fetch("/api/v1/notifications?limit=10", { cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      const page = (await response.json()) as components["schemas"]["NotificationPage"];
      setUnread(page.unread);
      setItems(page.items);
      setFailed(false);
    } catch {
      setFailed(true);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [pathname, load]);

  async function markRead(id: string) {
    const response = await fetch(`/api/v1/notifications/${id}/read`, { method: "POST", headers: csrfHeaders() });
    if (response.ok) await load();
  }

  async function markAllRead() {
    const response = await fetch("/api/v1/notifications/read-all", { method: "POST", headers: csrfHeaders() });
    if (response.ok) await load();
  }

  // The count is drawn beside the bell; the bell's own name says it to screen readers.
  return (
    <Indicator label={unread} size={18} disabled={unread === 0} color="red.8" offset={4} inline>
      <Popover
        opened={opened}
        onChange={setOpened}
        width={360}
        position="bottom-end"
        shadow="md"
        trapFocus
        returnFocus
        onOpen={() => void load()}
      >
        <Popover.Target>
          <ActionIcon
            variant="default"
            size="lg"
            onClick={() => setOpened((open) => !open)}
            aria-label={t("bell", { count: unread })}
            data-testid="notification-bell"
          >
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
              <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
              <path d="M13.73 21a2 2 0 0 1-3.46 0" />
            </svg>
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown role="dialog" aria-label={t("title")}>
          <Group justify="space-between" mb="xs">
            <Text fw={700}>{t("title")}</Text>
            <Button size="compact-xs" variant="subtle" onClick={markAllRead} disabled={unread === 0}>
              {t("markAllRead")}
            </Button>
          </Group>
          {failed && <Text size="sm" c="red.8">{t("failed")}</Text>}
          {!failed && items.length === 0 && <Text size="sm">{t("empty")}</Text>}
          <ScrollArea.Autosize mah={360}>
            <Stack gap="xs" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
              {items.map((item) => (
                <Box component="li" key={item.id} data-testid="notification" data-unread={item.read_at === null}>
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <Stack gap={2}>
                      <Group gap={6}>
                        {item.read_at === null && (
                          <Badge size="xs" color="red" variant="filled">
                            {t("unread")}
                          </Badge>
                        )}
                        <Text size="xs" c="dimmed">
                          {t(`kind.${item.kind}`)}
                        </Text>
                      </Group>
                      <Anchor component={Link} href={notificationHref(item)} size="sm" onClick={() => setOpened(false)}>
                        {item.title}
                      </Anchor>
                      {item.detail && <Text size="xs">{item.detail}</Text>}
                      <Text size="xs" c="dimmed">
                        {format.relativeTime(new Date(item.created_at), new Date())}
                      </Text>
                    </Stack>
                    {item.read_at === null && (
                      <Button
                        size="compact-xs"
                        variant="default"
                        onClick={() => markRead(item.id)}
                        aria-label={t("markReadOne", { title: item.title })}
                        style={{ flexShrink: 0 }}
                      >
                        {t("markRead")}
                      </Button>
                    )}
                  </Group>
                </Box>
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}
