"use client";

import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";

import { NotificationBell } from "@/components/notifications/NotificationBell";
import { csrfHeaders } from "@/lib/browser";

const SECTIONS = [
  { href: "/", key: "home" },
  { href: "/pipelines", key: "pipelines" },
  { href: "/articles", key: "articles" },
  { href: "/calendar", key: "calendar" },
  { href: "/accounts", key: "accounts" },
  { href: "/videos", key: "videos" },
  { href: "/brand", key: "brand" },
  { href: "/trends", key: "trends" },
  { href: "/usage", key: "usage" },
  { href: "/settings", key: "settings" },
] as const;

export function Shell(props: { children: ReactNode; who: string; company: string }) {
  const t = useTranslations("nav");
  const pathname = usePathname();
  const [opened, { toggle }] = useDisclosure();
  const [leaving, setLeaving] = useState(false);

  async function logout() {
    setLeaving(true);
    try {
      await fetch("/bff/auth/logout", { method: "POST", headers: csrfHeaders() });
    } finally {
      window.location.assign("/login");
    }
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("toggle")} />
            <Text fw={700}>ICOP</Text>
            <Text size="sm" visibleFrom="sm">
              {props.company}
            </Text>
          </Group>
          <Group>
            <NotificationBell />
            <Text size="sm" visibleFrom="sm">
              {props.who}
            </Text>
            <Button variant="default" size="xs" onClick={logout} loading={leaving}>
              {t("logout")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t("label")}>
        <ScrollArea>
          {SECTIONS.map((section) => {
            const active = section.href === "/" ? pathname === "/" : pathname.startsWith(section.href);
            return (
              <NavLink
                key={section.href}
                component={Link}
                href={section.href}
                label={t(section.key)}
                active={active}
                aria-current={active ? "page" : undefined}
                variant="filled"
              />
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>{props.children}</AppShell.Main>
    </AppShell>
  );
}
