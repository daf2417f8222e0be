import { Anchor, Card, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";

import { mustBlog } from "@/api/public";

type Params = { params: Promise<{ tenantSlug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const blog = await mustBlog((await params).tenantSlug);
  return {
    title: { absolute: blog.name },
    description: blog.name,
    alternates: { canonical: blog.url, types: { "application/rss+xml": `${blog.url}/rss.xml` } },
    openGraph: { type: "website", title: blog.name, url: blog.url, siteName: blog.name },
  };
}

export default async function BlogIndex({ params }: Params) {
  const blog = await mustBlog((await params).tenantSlug);
  const t = await getTranslations("blog");
  const format = await getFormatter();
  return (
    <Stack>
      <Title order={1}>{blog.name}</Title>
      {blog.articles.length === 0 ? (
        <Text>{t("empty")}</Text>
      ) : (
        <Stack component="ul" gap="md" style={{ listStyle: "none", padding: 0 }}>
          {blog.articles.map((article) => (
            <Card component="li" key={article.slug} withBorder lang={article.language}>
              <Title order={2} size="h3">
                <Anchor href={`/blog/${blog.slug}/${article.slug}`}>{article.title}</Anchor>
              </Title>
              <Text size="sm" c="dimmed">
                {t("published", { date: format.dateTime(new Date(article.published_at), { dateStyle: "long" }) })}
              </Text>
              {article.description && <Text mt="xs">{article.description}</Text>}
            </Card>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
