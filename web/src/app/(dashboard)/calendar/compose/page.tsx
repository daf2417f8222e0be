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
 * editor ("Edit image"). `?video=ID`: the post carries that video. */
export default async function ComposePage({ searchParams }: { searchParams: Promise<{ design?: string | string[]; video?: string | string[] }> }) {
  const search = await searchParams;
  const requested = search.design;
  const designId = typeof requested === "string" ? requested : undefined;
  const videoId = typeof search.video === "string" ? search.video : undefined;
  const api = await serverApi();
  const t = await getTranslations("posting.composer");
  const [me, accounts] = await Promise.all([must(api.GET("/api/v1/me")), must(api.GET("/api/v1/accounts", { params: { query: { limit: 200 } } }))]);
  // A viewer cannot schedule (the API refuses anyway): the page is not theirs.
  if (me.role === "viewer") notFound();
  const design = designId ? await loadDesign(designId) : null;
  // `?video=ID`: a ready video of the workspace's, its size and length as the API measured them.
  const video = videoId ? await must(api.GET("/api/v1/videos/{video_id}", { params: { path: { video_id: videoId } } })) : null;
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <Composer
        accounts={accounts.filter((account) => account.status === "connected")}
        timeZone={await getTimeZone()}
        image={design ? { url: design.published_url ?? "", designId: design.id } : undefined}
        video={
          video?.url
            ? { url: video.url, width: video.width ?? 1080, height: video.height ?? 1920, duration_s: video.duration_s, size_bytes: video.size_bytes ?? 0, cover: null }
            : undefined
        }
      />
    </>
  );
}
