import { Anchor, Image, List, ListItem, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";

import { mustArticle } from "@/api/public";
import { ArticleMarkdown } from "@/components/articles/ArticleMarkdown";
import { articleJsonLd, inlineJson, linkCitations } from "@/lib/blog/feeds";

type Params = { params: Promise<{ tenantSlug: string; articleSlug: string }> };

async function load(params: Params["params"]) {
  const { tenantSlug, articleSlug } = await params;
  return mustArticle(tenantSlug, articleSlug);
}

/** The SEO agent's title, description and slug as search engines and social cards read them. */
export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const article = await load(params);
  const images = article.images.map((image) => ({
    url: image.url,
    alt: image.alt,
    ...(image.width ? { width: image.width } : {}),
    ...(image.height ? { height: image.height } : {}),
  }));
  return {
    title: { absolute: article.title },
    description: article.description,
    keywords: article.keywords,
    alternates: {
      canonical: article.url,
      types: { "application/rss+xml": `${article.blog.url}/rss.xml` },
    },
    openGraph: {
      type: "article",
      title: article.title,
      description: article.description,
      url: article.url,
      siteName: article.blog.name,
      locale: article.language,
      publishedTime: article.published_at,
      modifiedTime: article.updated_at,
      images,
    },
    twitter: {
      card: images.length ? "summary_large_image" : "summary",
      title: article.title,
      description: article.description,
      images: images.map((image) => ({ url: image.url, alt: image.alt })),
    },
  };
}

export default async function PublicArticlePage({ params }: Params) {
  const article = await load(params);
  const t = await getTranslations("blog");
  const format = await getFormatter();
  const [cover, ...more] = article.images;
  return (
    <Stack component="article" lang={article.language}>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: inlineJson(articleJsonLd(article)) }} />
      <Text size="sm">
        <Anchor href={`/blog/${article.blog.slug}`}>← {article.blog.name}</Anchor>
      </Text>
      <Title order={1}>{article.title}</Title>
      <Text size="sm" c="dimmed">
        <time dateTime={article.published_at}>
          {t("published", { date: format.dateTime(new Date(article.published_at), { dateStyle: "long" }) })}
        </time>
      </Text>
      {cover && (
        <Image component="img" src={cover.url} alt={cover.alt} width={cover.width ?? undefined} height={cover.height ?? undefined} radius="sm" />
      )}
      <ArticleMarkdown markdown={linkCitations(article.markdown, article.citations.map((c) => c.number))} />
      {more.map((image) => (
        <Image key={image.url} component="img" src={image.url} alt={image.alt} width={image.width ?? undefined} height={image.height ?? undefined} radius="sm" />
      ))}
      {article.citations.length > 0 && (
        <section aria-labelledby="sources">
          <Title order={2} size="h4" id="sources">
            {t("sources")}
          </Title>
          <List type="ordered" spacing="xs">
            {article.citations.map((citation) => (
              <ListItem key={citation.number} value={citation.number} id={`source-${citation.number}`}>
                <Anchor href={citation.url} rel="noopener noreferrer nofollow">
                  {citation.title}
                </Anchor>
              </ListItem>
            ))}
          </List>
        </section>
      )}
    </Stack>
  );
}
