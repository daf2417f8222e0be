import { Text } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { NewPipelineForm } from "@/components/pipelines/NewPipelineForm";
import { PageTitle } from "@/components/ui/PageTitle";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("accountPlans.pipelines"))("newTitle") };
}

export default async function NewPipelinePage() {
  const api = await serverApi();
  const me = await must(api.GET("/api/v1/me"));
  const t = await getTranslations("accountPlans.pipelines");
  const tp = await getTranslations("pipelines");
  return (
    <>
      <p>
        <Link className="link" href="/pipelines">
          ← {tp("back")}
        </Link>
      </p>
      <PageTitle title={t("newTitle")} />
      {me.role === "viewer" ? <Text>{t("viewerCannot")}</Text> : <NewPipelineForm />}
    </>
  );
}
