import { Anchor, Divider, Stack } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { BrandKitEditor } from "@/components/brand/BrandKitEditor";
import { BrandLearn } from "@/components/brand/BrandLearn";
import { BrandProposals } from "@/components/brand/BrandProposals";
import { BrandVersions } from "@/components/brand/BrandVersions";
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
  const tl = await getTranslations("brandLearning");
  const [me, kit, fonts, samples, documents, proposals, versions, users] = await Promise.all([
    must(api.GET("/api/v1/me")),
    must(api.GET("/api/v1/brand/kit")),
    must(api.GET("/api/v1/brand/fonts")),
    must(api.GET("/api/v1/brand/voice-samples", { params: { query: { limit: 100 } } })),
    must(api.GET("/api/v1/knowledge/documents", { params: { query: { limit: 100 } } })),
    must(api.GET("/api/v1/brand/proposals", { params: { query: { limit: 20 } } })),
    must(api.GET("/api/v1/brand/versions", { params: { query: { limit: 50 } } })),
    // Only admins may list members: everyone else sees names where they know them (their own).
    api.GET("/api/v1/users", { params: { query: { limit: 200 } } }),
  ]);
  const people: Record<string, string> = Object.fromEntries((users.data ?? []).map((user) => [user.id, user.display_name ?? user.email]));
  if (me.user) people[me.user.id] = me.user.display_name ?? me.user.email;
  const canEdit = atLeast(me.role, "editor");
  return (
    <>
      <PageTitle title={t("title")} subtitle={tw("subtitle")} />
      <Stack gap="xl">
        <BrandProposals proposals={proposals} fonts={fonts} canEdit={canEdit} />
        {canEdit && <BrandLearn />}
        <Divider />
        {/* Keyed by version: an accepted proposal or a rollback replaces the kit being edited. */}
        <BrandKitEditor key={kit.version ?? "default"} kit={kit} fonts={fonts} canEdit={atLeast(me.role, "admin")} />
        <Divider />
        <BrandVersions versions={versions} current={kit.version ?? null} people={people} canEdit={canEdit} />
        <Anchor component={Link} href="/trends" size="sm">
          {tl("seeTrends")}
        </Anchor>
        <Divider />
        <VoiceSamples samples={samples} canEdit={canEdit} />
        <Divider />
        <KnowledgeDocuments documents={documents} canEdit={canEdit} />
      </Stack>
    </>
  );
}
