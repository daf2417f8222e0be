import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { LiveRun } from "@/components/runs/LiveRun";
import { PageTitle } from "@/components/ui/PageTitle";

type Params = { params: Promise<{ id: string; runId: string }> };

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("run"))("title") };
}

/** The run as it is now, rendered on the server; the page then follows it live. */
export default async function RunPage({ params }: Params) {
  const { id, runId } = await params;
  const api = await serverApi();
  const [pipeline, run] = await Promise.all([
    must(api.GET("/api/v1/pipelines/{pipeline_id}", { params: { path: { pipeline_id: id } } })),
    must(
      api.GET("/api/v1/pipelines/{pipeline_id}/runs/{run_id}", { params: { path: { pipeline_id: id, run_id: runId } } }),
    ),
  ]);
  const t = await getTranslations("run");
  return (
    <>
      <p>
        <Link className="link" href={`/pipelines/${id}`}>
          ← {pipeline.name}
        </Link>
      </p>
      <PageTitle title={t("title")} />
      <LiveRun initial={run} />
    </>
  );
}
