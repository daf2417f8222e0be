import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTimeZone, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { Composer } from "@/components/composer/Composer";
import { PageTitle } from "@/components/ui/PageTitle";
import { loadDesign } from "@/lib/designs/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("posting.composer"))("title") };
}

/** `?design=ID`: the post's image is that design's published JPEG, with a way back to the
 * editor ("Edit image"). */
export default async function ComposePage({ searchParams }: { searchParams: Promise<{ design?: string | string[] }> }) {
  const requested = (await searchParams).design;
  const designId = typeof requested === "string" ? requested : undefined;
  const api = await serverApi();
  const t = await getTranslations("posting.composer");
  const [me, accounts] = await Promise.all([must(api.GET("/api/v1/me")), must(api.GET("/api/v1/accounts", { params: { query: { limit: 200 } } }))]);
  // A viewer cannot schedule (the API refuses anyway): the page is not theirs.
  if (me.role === "viewer") notFound();
  const design = designId ? await loadDesign(designId) : null;
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <Composer
        accounts={accounts.filter((account) => account.status === "connected")}
        timeZone={await getTimeZone()}
        image={design ? { url: design.published_url ?? "", designId: design.id } : undefined}
      />
    </>
  );
}
