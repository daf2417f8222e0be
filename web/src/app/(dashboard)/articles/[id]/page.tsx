import { Anchor, Divider, Group, List, ListItem, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { annotateArticle } from "@/components/articles/AnnotatedArticle";
import { ArticleEditor } from "@/components/articles/ArticleEditor";
import { ArticleMarkdown } from "@/components/articles/ArticleMarkdown";
import { DiffView } from "@/components/articles/DiffView";
import { FindingList, type Finding } from "@/components/articles/FindingList";
import { PublishButtons } from "@/components/articles/PublishButtons";
import { SeoEditButton } from "@/components/articles/SeoEditButton";
import { DecisionButtons, RestoreButton } from "@/components/articles/VersionActions";
import { ArticleDesigns } from "@/components/designs/ArticleDesigns";
import { ArticleVideos } from "@/components/videos/ArticleVideos";
import { DataTable } from "@/components/ui/DataTable";
import { StatusBadge } from "@/components/ui/StatusBadge";
import type { GateFinding } from "@/lib/findings/anchor";
import type { SeoValues } from "@/lib/seo";

type Params = { params: Promise<{ id: string }>; searchParams: Promise<{ version?: string | string[] }> };

/** The statuses the API lets a person edit (src/icop/articles/versions.py: EDITABLE). */
const EDITABLE = new Set(["awaiting_approval", "needs_review", "ready"]);

async function load(id: string) {
  const api = await serverApi();
  return must(api.GET("/api/v1/articles/{article_id}", { params: { path: { article_id: id } } }));
}

async function loadVersion(id: string, number: number) {
  const api = await serverApi();
  return must(api.GET("/api/v1/articles/{article_id}/versions/{number}", { params: { path: { article_id: id, number } } }));
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const article = await load((await params).id);
  return { title: article.title ?? article.topic };
}

function citationUrl(citation: Record<string, unknown>): string | null {
  const url = citation.url;
  return typeof url === "string" && /^https?:\/\//.test(url) ? url : null;
}

function gateFindings(quality: Record<string, unknown>): Finding[] {
  const findings = quality.findings;
  if (!Array.isArray(findings)) return [];
  return findings.filter(
    (f): f is Finding => typeof f === "object" && f !== null && typeof f.code === "string" && typeof f.detail === "string",
  );
}

function seoValues(seo: Record<string, unknown>): SeoValues {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const list = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);
  return {
    title: text(seo.title),
    meta_description: text(seo.meta_description),
    slug: text(seo.slug),
    keywords: list(seo.keywords),
    hashtags: list(seo.hashtags),
  };
}

export default async function ArticlePage({ params, searchParams }: Params) {
  const { id } = await params;
  const requested = Number((await searchParams).version);
  const api = await serverApi();
  const [article, me] = await Promise.all([load(id), must(api.GET("/api/v1/me"))]);
  const versions = article.final_markdown
    ? await must(api.GET("/api/v1/articles/{article_id}/versions", { params: { path: { article_id: id } } }))
    : [];
  const current = versions[0] ? await loadVersion(id, versions[0].number) : null;
  const shown =
    Number.isInteger(requested) && versions.some((v) => v.number === requested)
      ? requested === current?.number
        ? current
        : await loadVersion(id, requested)
      : null;
  const canEdit = me.role !== "viewer";
  // The public blog (issue 13 §4): a ready article can be published; a published one shown.
  const publication =
    article.status === "ready"
      ? await must(api.GET("/api/v1/articles/{article_id}/publish-web", { params: { path: { article_id: id } } }))
      : null;
  const findings = current ? current.findings : gateFindings(article.quality ?? {});

  const t = await getTranslations("articles");
  const tr = await getTranslations("review");
  // The findings on the sentences they quote; the list below links to each one placed.
  const describe = (finding: GateFinding) => {
    const citation = /^\[\d+\](?:→\[\d+\])?/.exec(finding.detail)?.[0];
    const action = tr.has(`action.${finding.action}`) ? tr(`action.${finding.action}`) : finding.action;
    const what = tr.has(`code.${finding.code}`) ? tr(`code.${finding.code}`) : finding.code;
    return `${action}: ${what}${citation ? ` (${citation})` : ""}`;
  };
  const annotated =
    article.final_markdown && findings.length > 0 ? annotateArticle(article.final_markdown, findings, describe) : null;
  const anchors = annotated ? Object.fromEntries([...annotated.placed].map(([index, place]) => [index, place.anchor])) : {};
  const seo = seoValues(current?.seo ?? article.seo ?? {});
  const editable = Boolean(current && canEdit && EDITABLE.has(article.status));
  const tv = await getTranslations("versions");
  const ts = await getTranslations();
  const format = await getFormatter();
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
      {annotated && annotated.placed.size > 0 && (
        <Text size="sm" data-testid="findings-in-text">
          {tr("inText", { count: annotated.placed.size })}{" "}
          <a className="link" href="#findings">
            {tr("toList")}
          </a>
        </Text>
      )}
      {annotated ? (
        annotated.article
      ) : article.final_markdown ? (
        <ArticleMarkdown markdown={article.final_markdown} />
      ) : (
        <>
          <Title order={1} size="h2">
            {article.title ?? article.sub_topic ?? article.topic}
          </Title>
          <Text>{t("notWritten", { status: ts(`articleStatus.${article.status}`) })}</Text>
        </>
      )}
      <ArticleDesigns articleId={id} />
      <ArticleVideos articleId={id} />
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
      {findings.length > 0 && (
        <section aria-labelledby="findings">
          <Title order={2} size="h4" id="findings">
            {t("findings")}
          </Title>
          <FindingList findings={findings} label={t("findings")} anchors={anchors} anchorLabel={tr("showInText")} />
        </section>
      )}
      {article.final_markdown && (
        <section aria-labelledby="seo">
          <Title order={2} size="h4" id="seo">
            {tr("seo.heading")}
          </Title>
          <DataTable
            caption={tr("seo.heading")}
            empty=""
            headers={[tr("seo.field"), tr("seo.value")]}
            rows={[
              [tr("seo.title"), seo.title],
              [tr("seo.description"), seo.meta_description],
              [tr("seo.slug"), <code key="slug">{seo.slug}</code>],
              [tr("seo.keywords"), seo.keywords.join(", ")],
              [tr("seo.hashtags"), seo.hashtags.map((tag) => `#${tag}`).join(" ")],
            ]}
          />
          {editable && current && <SeoEditButton articleId={id} version={current.number} seo={seo} />}
        </section>
      )}
      {article.status === "awaiting_approval" && canEdit && (
        <section aria-labelledby="decision">
          <Title order={2} size="h4" id="decision">
            {t("decision")}
          </Title>
          <DecisionButtons articleId={id} />
        </section>
      )}
      {publication && (canEdit || publication.published) && (
        <section aria-labelledby="public-blog">
          <Title order={2} size="h4" id="public-blog">
            {ts("blog.title")}
          </Title>
          {canEdit ? (
            <PublishButtons articleId={id} publication={publication} />
          ) : (
            <Text size="sm">
              {ts("blog.liveAt")}{" "}
              <Anchor href={publication.url ?? "#"}>{publication.url}</Anchor>
            </Text>
          )}
        </section>
      )}
      {current && canEdit && EDITABLE.has(article.status) && (
        <>
          <Divider />
          <section aria-label={t("edit")}>
            <ArticleEditor articleId={id} version={current.number} markdown={current.markdown} />
          </section>
        </>
      )}
      {versions.length > 0 && (
        <section aria-labelledby="versions">
          <Title order={2} size="h4" id="versions">
            {tv("title")}
          </Title>
          <DataTable
            caption={tv("title")}
            empty=""
            headers={[tv("number"), tv("source"), tv("summary"), tv("created")]}
            rows={versions.map((version) => [
              <Link
                key="n"
                className="link"
                href={`/articles/${id}?version=${version.number}#diff`}
                aria-label={tv("show", { number: version.number })}
              >
                {tv("label", { number: version.number })}
              </Link>,
              tv(`sources.${version.source}`),
              version.summary ?? "",
              format.dateTime(new Date(version.created_at), { dateStyle: "medium", timeStyle: "medium" }),
            ])}
          />
        </section>
      )}
      {shown && current && (
        <section aria-labelledby="diff">
          <Title order={2} size="h4" id="diff">
            {tv("changes", { number: shown.number })}
          </Title>
          <DiffView diff={shown.diff} label={tv("changes", { number: shown.number })} />
          {canEdit && EDITABLE.has(article.status) && shown.number !== current.number && (
            <RestoreButton articleId={id} number={shown.number} current={current.number} />
          )}
        </section>
      )}
    </Stack>
  );
}
