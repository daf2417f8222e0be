import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";
import { StatusBadge } from "@/components/ui/StatusBadge";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("calendar"))("title") };
}

export default async function CalendarPage() {
  const api = await serverApi();
  const t = await getTranslations("calendar");
  const ts = await getTranslations();
  const format = await getFormatter();
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  const end = new Date(start.getTime() + 30 * 24 * 3600 * 1000);
  const posts = await must(
    api.GET("/api/v1/posts", { params: { query: { from: start.toISOString(), to: end.toISOString(), limit: 200 } } }),
  );
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <DataTable
        caption={t("title")}
        empty={t("empty")}
        headers={[t("when"), t("platform"), t("status")]}
        rows={posts.map((post) => [
          format.dateTime(new Date(post.scheduled_at), { dateStyle: "full", timeStyle: "short" }),
          post.platform,
          <StatusBadge key="s" status={post.status} label={ts(`postStatus.${post.status}`)} />,
        ])}
      />
    </>
  );
}
