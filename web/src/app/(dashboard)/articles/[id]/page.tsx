import { Anchor, Group, List, ListItem, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { ArticleMarkdown } from "@/components/articles/ArticleMarkdown";
import { StatusBadge } from "@/components/ui/StatusBadge";

type Params = { params: Promise<{ id: string }> };

async function load(id: string) {
  const api = await serverApi();
  return must(api.GET("/api/v1/articles/{article_id}", { params: { path: { article_id: id } } }));
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const article = await load((await params).id);
  return { title: article.title ?? article.topic };
}

function citationUrl(citation: Record<string, unknown>): string | null {
  const url = citation.url;
  return typeof url === "string" && /^https?:\/\//.test(url) ? url : null;
}

export default async function ArticlePage({ params }: Params) {
  const article = await load((await params).id);
  const t = await getTranslations("articles");
  const ts = await getTranslations();
  return (
    <Stack>
      <Text size="sm">
        <Link className="link" href="/articles">
          ← {t("back")}
        </Link>
      </Text>
      <Group>
        <StatusBadge status={article.status} label={ts(`articleStatus.${article.status}`)} />
        <Text size="sm">{t("language", { language: article.language })}</Text>
      </Group>
      {article.final_markdown ? (
        <ArticleMarkdown markdown={article.final_markdown} />
      ) : (
        <>
          <Title order={1} size="h2">
            {article.title ?? article.sub_topic ?? article.topic}
          </Title>
          <Text>{t("notWritten", { status: ts(`articleStatus.${article.status}`) })}</Text>
        </>
      )}
      <section aria-labelledby="sources">
        <Title order={2} size="h4" id="sources">
          {t("sources")}
        </Title>
        {article.citations.length === 0 ? (
          <Text size="sm">{t("noSources")}</Text>
        ) : (
          <List type="ordered" spacing="xs">
            {article.citations.map((citation, index) => {
              const url = citationUrl(citation);
              const title = typeof citation.title === "string" ? citation.title : url ?? `#${index + 1}`;
              return (
                <ListItem key={index}>
                  {url ? (
                    <Anchor href={url} target="_blank" rel="noreferrer noopener">
                      {title}
                    </Anchor>
                  ) : (
                    title
                  )}
                </ListItem>
              );
            })}
          </List>
        )}
      </section>
    </Stack>
  );
}
