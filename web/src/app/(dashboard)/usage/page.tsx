import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("usage"))("title") };
}

export default async function UsagePage() {
  const api = await serverApi();
  const t = await getTranslations("usage");
  const ts = await getTranslations();
  const format = await getFormatter();
  const usage = await must(api.GET("/api/v1/usage"));
  const number = (value: string | null) => (value === null ? t("unlimited") : format.number(Number(value)));
  return (
    <>
      <PageTitle
        title={t("title")}
        subtitle={ts("home.period", {
          start: format.dateTime(new Date(usage.period_start), { dateStyle: "medium", timeZone: "UTC" }),
          end: format.dateTime(new Date(usage.period_end), { dateStyle: "medium", timeZone: "UTC" }),
          plan: usage.plan,
        })}
      />
      <DataTable
        caption={t("title")}
        empty=""
        headers={[t("metric"), t("used"), t("limit"), t("remaining")]}
        rows={usage.metrics.map((metric) => [
          ts(`metric.${metric.metric}`),
          number(metric.used),
          number(metric.limit),
          number(metric.remaining),
        ])}
      />
    </>
  );
}
