import { Anchor, Group, Stack, Text, Title } from "@mantine/core";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { serverApi } from "@/api/server";
import { StatusBadge } from "@/components/ui/StatusBadge";

/** The article's videos, their status, and the way to the videos page (where they play, are
 * published, and a new one is made). Server-rendered: this page's JavaScript is near its
 * budget, and a list of links needs none. */
export async function ArticleVideos(props: { articleId: string }) {
  const api = await serverApi();
  const t = await getTranslations("videos");
  const { data } = await api.GET("/api/v1/videos", { params: { query: { limit: 200 } } });
  const videos = (data ?? []).filter((video) => video.article_id === props.articleId);
  const href = `/videos?article=${props.articleId}`;
  return (
    <Stack component="section" aria-labelledby="article-videos" gap={4} data-testid="article-videos">
      <Title order={2} size="h4" id="article-videos">
        {t("title")}
      </Title>
      {videos.length === 0 ? (
        <Text size="sm">{t("noneForArticle")}</Text>
      ) : (
        videos.slice(0, 5).map((video) => (
          <Group key={video.id} gap="xs">
            <StatusBadge status={video.status} label={t(`status.${video.status}`)} />
            <Text size="sm">{video.title}</Text>
          </Group>
        ))
      )}
      <Anchor component={Link} href={href} size="sm">
        {videos.length === 0 ? t("makeOne") : t("openVideos")}
      </Anchor>
    </Stack>
  );
}
