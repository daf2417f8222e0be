import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";
import { StatusBadge } from "@/components/ui/StatusBadge";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("articles"))("title") };
}

export default async function ArticlesPage() {
  const api = await serverApi();
  const t = await getTranslations("articles");
  const ts = await getTranslations();
  const format = await getFormatter();
  const articles = await must(api.GET("/api/v1/articles", { params: { query: { limit: 100 } } }));
  return (
    <>
      <PageTitle title={t("title")} />
      <DataTable
        caption={t("title")}
        empty={t("empty")}
        headers={[t("topic"), t("status"), t("updated"), t("cost")]}
        rows={articles.map((article) => [
          <Link key="t" className="link" href={`/articles/${article.id}`}>
            {article.title ?? article.sub_topic ?? article.topic}
          </Link>,
          <StatusBadge key="s" status={article.status} label={ts(`articleStatus.${article.status}`)} />,
          format.dateTime(new Date(article.updated_at), { dateStyle: "medium", timeStyle: "short" }),
          format.number(Number(article.cost_usd), { style: "currency", currency: "USD", maximumFractionDigits: 4 }),
        ])}
      />
    </>
  );
}
