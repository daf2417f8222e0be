import { Text } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { PageTitle } from "@/components/ui/PageTitle";
import { VideoList } from "@/components/videos/VideoList";
import { atLeast } from "@/lib/roles";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Each shown video is read once more for its segments: keep the page's calls bounded. */
const SHOWN = 24;

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("videos"))("title") };
}

/** `?article=ID`: that article's videos (and "Make a video" from it). */
export default async function VideosPage(props: { searchParams: Promise<{ article?: string | string[] }> }) {
  const requested = (await props.searchParams).article;
  const articleId = typeof requested === "string" && UUID.test(requested) ? requested : null;
  const api = await serverApi();
  const t = await getTranslations("videos");
  const [me, listed, article] = await Promise.all([
    must(api.GET("/api/v1/me")),
    must(api.GET("/api/v1/videos", { params: { query: { limit: 200 } } })),
    articleId ? must(api.GET("/api/v1/articles/{article_id}", { params: { path: { article_id: articleId } } })) : Promise.resolve(null),
  ]);
  const chosen = listed.filter((video) => !articleId || video.article_id === articleId).slice(0, SHOWN);
  const videos = await Promise.all(chosen.map((video) => must(api.GET("/api/v1/videos/{video_id}", { params: { path: { video_id: video.id } } }))));
  return (
    <>
      <PageTitle title={t("title")} subtitle={article ? t("ofArticle", { title: article.title ?? article.topic }) : t("subtitle")} />
      {article && (
        <Text size="sm" mb="sm">
          <Link className="link" href={`/articles/${article.id}`}>
            ← {t("backToArticle")}
          </Link>
        </Text>
      )}
      <VideoList videos={videos} canEdit={atLeast(me.role, "editor")} articleId={articleId} />
    </>
  );
}
