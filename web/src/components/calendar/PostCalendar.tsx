"use client";

import { Alert, Box, Button, Group, NativeSelect, SegmentedControl, SimpleGrid, Text } from "@mantine/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import dynamic from "next/dynamic";
import { useEffect, useMemo, useState, type DragEvent, type ReactNode } from "react";

import { steer, STEERABLE, type Post, type SocialAccount } from "./actions";
import { PostChip } from "./PostChip";
import { addDays, dayKey, movedTo, parseDay, wallTime, type DayKey } from "./zoned";

// The panel (and its date input) loads when a post is first opened, not with the grid.
const PostPanel = dynamic(() => import("./PostPanel").then((module) => module.PostPanel), { ssr: false });

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

export interface CalendarProps {
  posts: Post[];
  accounts: SocialAccount[];
  view: "month" | "week";
  day: DayKey;
  days: DayKey[];
  today: DayKey;
  timeZone: string;
  account: string | null;
  canEdit: boolean;
}

/** A calendar day as an instant that names it in any formatter set to UTC. */
function noon(key: DayKey): Date {
  const { year, month, day } = parseDay(key);
  return new Date(Date.UTC(year, month - 1, day, 12));
}

function query(view: string, day: DayKey, account: string | null): string {
  const params = new URLSearchParams({ view, day });
  if (account) params.set("account", account);
  return `/calendar?${params.toString()}`;
}

export function PostCalendar(props: CalendarProps) {
  const t = useTranslations("posting.calendar");
  const tp = useTranslations("posting.platform");
  const format = useFormatter();
  const router = useRouter();
  const [posts, setPosts] = useState(props.posts);
  const [openId, setOpenId] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [over, setOver] = useState<string | null>(null);

  useEffect(() => setPosts(props.posts), [props.posts]);

  const accounts = useMemo(() => new Map(props.accounts.map((a) => [a.id, a])), [props.accounts]);
  const byDay = useMemo(() => {
    const map = new Map<string, Post[]>();
    for (const post of posts) {
      const when = new Date(post.scheduled_at);
      const key = props.view === "week" ? `${dayKey(when, props.timeZone)}T${wallTime(when, props.timeZone).hour}` : dayKey(when, props.timeZone);
      map.set(key, [...(map.get(key) ?? []), post]);
    }
    return map;
  }, [posts, props.view, props.timeZone]);

  const dayLabel = (key: DayKey, style: "long" | "short") =>
    style === "long"
      ? format.dateTime(noon(key), { dateStyle: "full", timeZone: "UTC" })
      : format.dateTime(noon(key), { weekday: "short", day: "numeric", timeZone: "UTC" });

  function replace(updated: Post) {
    setPosts((current) => current.map((post) => (post.id === updated.id ? updated : post)));
  }

  async function move(postId: string, when: Date): Promise<boolean> {
    const result = await steer(postId, "reschedule", { scheduled_at: when.toISOString() });
    if (result.ok) {
      replace(result.post);
      setNotice({
        ok: true,
        text: t("moved", { when: format.dateTime(when, { dateStyle: "full", timeStyle: "short", timeZone: props.timeZone }) }),
      });
      router.refresh();
      return true;
    }
    setNotice({ ok: false, text: result.message ?? t("failed") });
    return false;
  }

  function dropTarget(key: string, day: DayKey, hour?: number) {
    return {
      "data-day": day,
      "data-hour": hour,
      onDragOver: (event: DragEvent) => {
        if (!props.canEdit) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        setOver(key);
      },
      onDragLeave: () => setOver((current) => (current === key ? null : current)),
      onDrop: (event: DragEvent) => {
        event.preventDefault();
        setOver(null);
        const postId = event.dataTransfer.getData("text/x-icop-post") || event.dataTransfer.getData("text/plain");
        const post = posts.find((candidate) => candidate.id === postId);
        if (!post || !STEERABLE.has(post.status)) return;
        void move(post.id, movedTo(new Date(post.scheduled_at), day, props.timeZone, hour));
      },
    };
  }

  const chips = (list: Post[] | undefined): ReactNode =>
    (list ?? []).map((post) => (
      <PostChip key={post.id} post={post} account={accounts.get(post.account_id)} timeZone={props.timeZone} canMove={props.canEdit} onOpen={(p) => setOpenId(p.id)} />
    ));

  const step = props.view === "week" ? 7 : 0;
  const { year, month } = parseDay(props.day);
  const previous = step ? addDays(props.day, -7) : `${month === 1 ? year - 1 : year}-${String(month === 1 ? 12 : month - 1).padStart(2, "0")}-01`;
  const next = step ? addDays(props.day, 7) : `${month === 12 ? year + 1 : year}-${String(month === 12 ? 1 : month + 1).padStart(2, "0")}-01`;
  const heading =
    props.view === "week"
      ? t("weekOf", { day: dayLabel(props.days[0] ?? props.day, "long") })
      : format.dateTime(new Date(Date.UTC(year, month - 1, 15)), { year: "numeric", month: "long", timeZone: "UTC" });
  const open = posts.find((post) => post.id === openId) ?? null;

  return (
    <Box>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Group gap="xs">
          <Button component={Link} href={query(props.view, previous, props.account)} variant="default" size="xs">
            {t("previous")}
          </Button>
          <Button component={Link} href={query(props.view, props.today, props.account)} variant="default" size="xs">
            {t("today")}
          </Button>
          <Button component={Link} href={query(props.view, next, props.account)} variant="default" size="xs">
            {t("next")}
          </Button>
          <Text fw={700} component="h2" size="lg" m={0} data-testid="calendar-heading">
            {heading}
          </Text>
        </Group>
        <Group gap="xs" align="end">
          <SegmentedControl
            aria-label={t("view")}
            value={props.view}
            onChange={(value) => router.push(query(value, props.day, props.account))}
            data={[
              { value: "month", label: t("month") },
              { value: "week", label: t("week") },
            ]}
          />
          <NativeSelect
            label={t("account")}
            size="xs"
            value={props.account ?? ""}
            onChange={(event) => router.push(query(props.view, props.day, event.currentTarget.value || null))}
            data={[{ value: "", label: t("allAccounts") }, ...props.accounts.map((a) => ({ value: a.id, label: `${a.name} (${tp(a.platform as "x")})` }))]}
          />
        </Group>
      </Group>
      <Text size="xs" c="gray.7" mb="xs">
        {t("zone", { zone: props.timeZone })} {props.canEdit ? t("dragHint") : ""}
      </Text>
      <div aria-live="polite" role="status">
        {notice && (
          <Alert color={notice.ok ? "green" : "red"} mb="sm" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t("close")}>
            {notice.text}
          </Alert>
        )}
      </div>
      {props.view === "month" ? (
        <SimpleGrid cols={7} spacing={2} verticalSpacing={2} data-testid="month-grid">
          {props.days.slice(0, 7).map((key) => (
            <Text key={`h-${key}`} size="xs" fw={700} ta="center" aria-hidden>
              {format.dateTime(noon(key), { weekday: "short", timeZone: "UTC" })}
            </Text>
          ))}
          {props.days.map((key) => (
            <Box
              key={key}
              component="section"
              aria-label={dayLabel(key, "long")}
              {...dropTarget(key, key)}
              style={{
                minHeight: 96,
                padding: 4,
                border: "1px solid var(--mantine-color-gray-3)",
                background: over === key ? "var(--mantine-color-blue-0)" : key.slice(0, 7) === props.day.slice(0, 7) ? undefined : "var(--mantine-color-gray-0)",
                outline: key === props.today ? "2px solid var(--mantine-color-blue-6)" : undefined,
              }}
            >
              <Text size="xs" fw={key === props.today ? 700 : 400} c="dark.9">
                {parseDay(key).day}
              </Text>
              {chips(byDay.get(key))}
            </Box>
          ))}
        </SimpleGrid>
      ) : (
        <Box style={{ display: "grid", gridTemplateColumns: "3.5rem repeat(7, minmax(0, 1fr))", gap: 2 }} data-testid="week-grid">
          <span />
          {props.days.map((key) => (
            <Text key={`h-${key}`} size="xs" fw={700} ta="center" style={{ outline: key === props.today ? "2px solid var(--mantine-color-blue-6)" : undefined }}>
              {dayLabel(key, "short")}
            </Text>
          ))}
          {HOURS.map((hour) => [
            <Text key={`hour-${hour}`} size="xs" ta="right" pr={4} c="dark.9">
              {String(hour).padStart(2, "0")}:00
            </Text>,
            ...props.days.map((key) => {
              const slot = `${key}T${hour}`;
              return (
                <Box
                  key={slot}
                  component="section"
                  aria-label={t("slot", { day: dayLabel(key, "long"), hour: `${String(hour).padStart(2, "0")}:00` })}
                  {...dropTarget(slot, key, hour)}
                  style={{ minHeight: 28, padding: 2, borderTop: "1px solid var(--mantine-color-gray-3)", background: over === slot ? "var(--mantine-color-blue-0)" : undefined }}
                >
                  {chips(byDay.get(slot))}
                </Box>
              );
            }),
          ])}
        </Box>
      )}
      {open && (
        <PostPanel
          post={open}
          account={accounts.get(open.account_id)}
          timeZone={props.timeZone}
          canEdit={props.canEdit}
          onClose={() => setOpenId(null)}
          onMove={(when) => move(open.id, when)}
          onChanged={(post) => {
            replace(post);
            router.refresh();
          }}
        />
      )}
    </Box>
  );
}
