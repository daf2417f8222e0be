import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { DesignEditor } from "@/components/designs/DesignEditor";
import { PageTitle } from "@/components/ui/PageTitle";
import { loadDesign } from "@/lib/designs/server";
import { atLeast } from "@/lib/roles";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("designEditor"))("title") };
}

/** A design in the editor (issue 14 §7). A viewer sees the canvas read-only and no write
 * controls; the API refuses their writes anyway. */
export default async function DesignPage({ params }: Params) {
  const { id } = await params;
  const api = await serverApi();
  const [design, me] = await Promise.all([loadDesign(id), must(api.GET("/api/v1/me"))]);
  const t = await getTranslations("designEditor");
  return (
    <>
      {design.article_id && (
        <Link className="link" href={`/articles/${design.article_id}`}>
          ← {t("back")}
        </Link>
      )}
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <DesignEditor initial={design} canEdit={atLeast(me.role, "editor")} />
    </>
  );
}
