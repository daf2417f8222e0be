import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { Trends } from "@/components/trends/Trends";
import { PageTitle } from "@/components/ui/PageTitle";
import { atLeast } from "@/lib/roles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("trends"))("title") };
}

export default async function TrendsPage() {
  const api = await serverApi();
  const t = await getTranslations("trends");
  const [me, trends, suggestions, runs, pipelines] = await Promise.all([
    must(api.GET("/api/v1/me")),
    must(api.GET("/api/v1/trends", { params: { query: { items: 5 } } })),
    must(api.GET("/api/v1/trends/suggestions", { params: { query: { limit: 50 } } })),
    must(api.GET("/api/v1/trends/runs", { params: { query: { limit: 1 } } })),
    must(api.GET("/api/v1/pipelines", { params: { query: { limit: 200 } } })),
  ]);
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <Trends
        trends={trends}
        suggestions={suggestions.filter((suggestion) => suggestion.status !== "dismissed")}
        pipelines={pipelines.filter((pipeline) => pipeline.source_type === "import").map((pipeline) => ({ id: pipeline.id, name: pipeline.name }))}
        latestRun={runs[0] ?? null}
        canEdit={atLeast(me.role, "editor")}
      />
    </>
  );
}
