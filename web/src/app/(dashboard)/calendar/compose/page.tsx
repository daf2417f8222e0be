import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTimeZone, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { Composer } from "@/components/composer/Composer";
import { PageTitle } from "@/components/ui/PageTitle";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("posting.composer"))("title") };
}

export default async function ComposePage() {
  const api = await serverApi();
  const t = await getTranslations("posting.composer");
  const [me, accounts] = await Promise.all([must(api.GET("/api/v1/me")), must(api.GET("/api/v1/accounts", { params: { query: { limit: 200 } } }))]);
  // A viewer cannot schedule (the API refuses anyway): the page is not theirs.
  if (me.role === "viewer") notFound();
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <Composer accounts={accounts.filter((account) => account.status === "connected")} timeZone={await getTimeZone()} />
    </>
  );
}
