import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { NewPipelineLink } from "@/components/pipelines/NewPipelineLink";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pipelines"))("title") };
}

export default async function PipelinesPage() {
  const api = await serverApi();
  const t = await getTranslations("pipelines");
  const format = await getFormatter();
  const ta = await getTranslations("accountPlans.pipelines");
  const [pipelines, me] = await Promise.all([
    must(api.GET("/api/v1/pipelines", { params: { query: { limit: 100 } } })),
    must(api.GET("/api/v1/me")),
  ]);
  return (
    <>
      <PageTitle title={t("title")} />
      {me.role !== "viewer" && (
        <NewPipelineLink label={ta("newPipeline")} />
      )}
      <DataTable
        caption={t("title")}
        empty={t("empty")}
        headers={[t("name"), t("source"), t("schedule"), t("created")]}
        rows={pipelines.map((pipeline) => [
          <Link key="n" className="link" href={`/pipelines/${pipeline.id}`}>
            {pipeline.name}
          </Link>,
          pipeline.google_sheet_id ?? pipeline.file_path ?? pipeline.source_type,
          pipeline.schedule_cron
            ? `${pipeline.schedule_cron}${pipeline.schedule_paused ? ` (${t("paused")})` : ""}`
            : t("noSchedule"),
          format.dateTime(new Date(pipeline.created_at), { dateStyle: "medium" }),
        ])}
      />
    </>
  );
}
