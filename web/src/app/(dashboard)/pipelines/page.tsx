import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getLocale, getTimeZone, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { previewCron } from "@/components/pipelines/cron";
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
  const locale = await getLocale();
  const zone = await getTimeZone();
  const described = (cron: string) => {
    const preview = previewCron(cron, locale, new Date(), 1, zone);
    return preview.kind === "cron" ? ` · ${ta("cronDescribed", { description: preview.description, zone })}` : "";
  };
  const ta = await getTranslations("accountPlans.pipelines");
  const tc = await getTranslations("common");
  const [pipelines, me] = await Promise.all([
    must(api.GET("/api/v1/pipelines", { params: { query: { limit: 100 } } })),
    must(api.GET("/api/v1/me")),
  ]);
  return (
    <>
      <PageTitle title={t("title")} subtitle={tc("timeZone", { zone })} />
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
          pipeline.source_type === "google_sheet"
            ? ta("fromSheet", { id: pipeline.google_sheet_id ?? "" })
            : pipeline.source_type === "file"
              ? ta("fromFile", { path: pipeline.file_path ?? "" })
              : ta("fromImport"),
          pipeline.schedule_cron
            ? `${pipeline.schedule_cron}${described(pipeline.schedule_cron)}${pipeline.schedule_paused ? ` (${t("paused")})` : ""}`
            : t("noSchedule"),
          format.dateTime(new Date(pipeline.created_at), { dateStyle: "medium" }),
        ])}
      />
    </>
  );
}
