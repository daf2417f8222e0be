import { Divider, Stack } from "@mantine/core";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { BrandKitEditor } from "@/components/brand/BrandKitEditor";
import { KnowledgeDocuments } from "@/components/brand/KnowledgeDocuments";
import { VoiceSamples } from "@/components/brand/VoiceSamples";
import { PageTitle } from "@/components/ui/PageTitle";
import { atLeast } from "@/lib/roles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("brand"))("title") };
}

export default async function BrandPage() {
  const api = await serverApi();
  const t = await getTranslations("brand");
  const tw = await getTranslations("workspace.brand");
  const [me, kit, fonts, samples, documents] = await Promise.all([
    must(api.GET("/api/v1/me")),
    must(api.GET("/api/v1/brand/kit")),
    must(api.GET("/api/v1/brand/fonts")),
    must(api.GET("/api/v1/brand/voice-samples", { params: { query: { limit: 100 } } })),
    must(api.GET("/api/v1/knowledge/documents", { params: { query: { limit: 100 } } })),
  ]);
  return (
    <>
      <PageTitle title={t("title")} subtitle={tw("subtitle")} />
      <Stack gap="xl">
        <BrandKitEditor kit={kit} fonts={fonts} canEdit={atLeast(me.role, "admin")} />
        <Divider />
        <VoiceSamples samples={samples} canEdit={atLeast(me.role, "editor")} />
        <Divider />
        <KnowledgeDocuments documents={documents} canEdit={atLeast(me.role, "editor")} />
      </Stack>
    </>
  );
}
