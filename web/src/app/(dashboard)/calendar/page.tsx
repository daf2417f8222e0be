import { Button, Group } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getTimeZone, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import type { Post } from "@/components/calendar/actions";
import { PostCalendar } from "@/components/calendar/PostCalendar";
import { addDays, dayKey, monthGrid, parseDay, weekGrid, zonedInstant } from "@/components/calendar/zoned";
import { PageTitle } from "@/components/ui/PageTitle";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 200;

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("posting.calendar"))("title") };
}

function midnight(key: string, timeZone: string): string {
  const { year, month, day } = parseDay(key);
  return zonedInstant({ year, month, day, hour: 0, minute: 0 }, timeZone).toISOString();
}

export default async function CalendarPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const search = await props.searchParams;
  const api = await serverApi();
  const t = await getTranslations("posting.calendar");
  const timeZone = await getTimeZone();
  const today = dayKey(new Date(), timeZone);
  const view = search.view === "week" ? "week" : "month";
  const day = typeof search.day === "string" && DAY.test(search.day) && !Number.isNaN(Date.parse(search.day)) ? search.day : today;
  const account = typeof search.account === "string" && UUID.test(search.account) ? search.account : null;
  const days = view === "week" ? weekGrid(day) : monthGrid(day);
  const from = midnight(days[0] ?? day, timeZone);
  const to = midnight(addDays(days.at(-1) ?? day, 1), timeZone);

  const [me, accounts] = await Promise.all([must(api.GET("/api/v1/me")), must(api.GET("/api/v1/accounts", { params: { query: { limit: 200 } } }))]);
  const posts: Post[] = [];
  // A busy month can hold more than one page of posts: read them all (bounded).
  for (let offset = 0; offset < 2000; offset += PAGE) {
    const page = await must(
      api.GET("/api/v1/posts", {
        params: { query: { from, to, limit: PAGE, offset, ...(account ? { account_id: account } : {}) } },
      }),
    );
    posts.push(...page);
    if (page.length < PAGE) break;
  }
  const canEdit = me.role !== "viewer";

  return (
    <>
      <Group justify="space-between" align="start">
        <PageTitle title={t("title")} subtitle={t("subtitle")} />
        {canEdit && (
          <Button component={Link} href="/calendar/compose">
            {t("compose")}
          </Button>
        )}
      </Group>
      <PostCalendar posts={posts} accounts={accounts} view={view} day={day} days={days} today={today} timeZone={timeZone} account={account} canEdit={canEdit} />
    </>
  );
}
