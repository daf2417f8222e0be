import { Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { PublishingDefaults } from "@/components/pipelines/PublishingDefaults";
import { RunNowButton } from "@/components/pipelines/RunNowButton";
import { ScheduleEditor } from "@/components/pipelines/ScheduleEditor";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";
import { StatusBadge } from "@/components/ui/StatusBadge";

type Params = { params: Promise<{ id: string }> };

const RUN_BADGE: Record<string, string> = {
  queued: "queued",
  running: "running",
  succeeded: "ready",
  partial: "needs_review",
  failed: "failed",
  cancelled: "cancelled",
};

async function load(id: string) {
  const api = await serverApi();
  return must(api.GET("/api/v1/pipelines/{pipeline_id}", { params: { path: { pipeline_id: id } } }));
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: (await load((await params).id)).name };
}

export default async function PipelinePage({ params }: Params) {
  const { id } = await params;
  const api = await serverApi();
  const [pipeline, runs, me] = await Promise.all([
    load(id),
    must(api.GET("/api/v1/pipelines/{pipeline_id}/runs", { params: { path: { pipeline_id: id } } })),
    must(api.GET("/api/v1/me")),
  ]);
  const canEdit = me.role !== "viewer";
  const t = await getTranslations("run");
  const tp = await getTranslations("pipelines");
  const ta = await getTranslations("accountPlans.pipelines");
  const td = await getTranslations("pipelineDefaults");
  const format = await getFormatter();
  const source =
    pipeline.source_type === "google_sheet"
      ? ta("fromSheet", { id: pipeline.google_sheet_id ?? "" })
      : pipeline.source_type === "file"
        ? ta("fromFile", { path: pipeline.file_path ?? "" })
        : ta("fromImport");
  return (
    <Stack gap="lg">
      <Text size="sm">
        <Link className="link" href="/pipelines">
          ← {tp("back")}
        </Link>
      </Text>
      <div>
        <PageTitle title={pipeline.name} subtitle={`${source} · ${pipeline.sheet_range}`} />
        {canEdit && <RunNowButton pipelineId={id} />}
      </div>
      <section aria-labelledby="schedule-heading">
        <Title order={2} size="h4" id="schedule-heading" mb="xs">
          {ta("scheduleTitle")}
        </Title>
        <ScheduleEditor pipelineId={id} cron={pipeline.schedule_cron} paused={pipeline.schedule_paused} canEdit={canEdit} />
      </section>
      <section aria-labelledby="defaults-heading">
        <Title order={2} size="h4" id="defaults-heading" mb="xs">
          {td("title")}
        </Title>
        <PublishingDefaults pipelineId={id} defaults={pipeline.defaults} canEdit={canEdit} />
      </section>
      <section aria-labelledby="runs-heading">
        <Title order={2} size="h4" id="runs-heading" mb="xs">
          {t("runs")}
        </Title>
        <DataTable
          caption={t("runs")}
          empty={t("noRuns")}
          headers={[t("started"), t("trigger"), t("status"), t("progressShort")]}
          rows={runs.map((run) => [
            <Link key="r" className="link" href={`/pipelines/${id}/runs/${run.id}`}>
              {format.dateTime(new Date(run.started_at ?? run.created_at), { dateStyle: "medium", timeStyle: "short" })}
            </Link>,
            ta(`triggers.${run.trigger === "schedule" ? "schedule" : "manual"}`),
            <StatusBadge key="s" status={RUN_BADGE[run.status] ?? "queued"} label={t(`runStatus.${run.status}`)} />,
            t("progress", { done: run.rows_done, failed: run.rows_failed, total: run.rows_total }),
          ])}
        />
      </section>
    </Stack>
  );
}
