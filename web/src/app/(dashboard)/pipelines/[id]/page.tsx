import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";

type Params = { params: Promise<{ id: string }> };

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
  const [pipeline, runs] = await Promise.all([
    load(id),
    must(api.GET("/api/v1/pipelines/{pipeline_id}/runs", { params: { path: { pipeline_id: id } } })),
  ]);
  const t = await getTranslations("run");
  const tp = await getTranslations("pipelines");
  const format = await getFormatter();
  return (
    <>
      <p>
        <Link className="link" href="/pipelines">
          ← {tp("back")}
        </Link>
      </p>
      <PageTitle title={pipeline.name} />
      <DataTable
        caption={t("runs")}
        empty={t("noRuns")}
        headers={[t("started"), t("trigger"), t("status"), t("progressShort")]}
        rows={runs.map((run) => [
          <Link key="r" className="link" href={`/pipelines/${id}/runs/${run.id}`}>
            {format.dateTime(new Date(run.started_at ?? run.created_at), { dateStyle: "medium", timeStyle: "short" })}
          </Link>,
          run.trigger,
          t(`runStatus.${run.status}`),
          t("progress", { done: run.rows_done, failed: run.rows_failed, total: run.rows_total }),
        ])}
      />
    </>
  );
}
