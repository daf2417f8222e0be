import { Alert, Card, List, ListItem, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";

import type { components } from "@/api/schema";
import { must, serverApi } from "@/api/server";
import { PageTitle } from "@/components/ui/PageTitle";
import { StatusBadge } from "@/components/ui/StatusBadge";

type Article = components["schemas"]["ArticleSummary"];
type Post = components["schemas"]["PostOut"];

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("home"))("title") };
}

function Section(props: { title: string; empty: string; count: number; children: ReactNode }) {
  return (
    <Card withBorder component="section" aria-label={props.title}>
      <Title order={2} size="h4" mb="sm">
        {props.title} ({props.count})
      </Title>
      {props.count === 0 ? <Text size="sm">{props.empty}</Text> : props.children}
    </Card>
  );
}

export default async function HomePage() {
  const api = await serverApi();
  const t = await getTranslations("home");
  const ts = await getTranslations();
  const format = await getFormatter();
  const now = new Date();
  const week = new Date(now.getTime() + 7 * 24 * 3600 * 1000);
  const articles = (status: Article["status"]) => must(api.GET("/api/v1/articles", { params: { query: { status, limit: 20 } } }));
  const posts = (query: { status?: Post["status"]; from?: string; to?: string }) =>
    must(api.GET("/api/v1/posts", { params: { query: { ...query, limit: 50 } } }));

  const [queued, running, awaiting, review, failed, unconfirmed, due, usage, pipelines, anyArticle] = await Promise.all([
    articles("queued"),
    articles("running"),
    articles("awaiting_approval"),
    articles("needs_review"),
    posts({ status: "failed" }),
    posts({ status: "unconfirmed" }),
    posts({ from: now.toISOString(), to: week.toISOString() }),
    must(api.GET("/api/v1/usage")),
    must(api.GET("/api/v1/pipelines", { params: { query: { limit: 1 } } })),
    must(api.GET("/api/v1/articles", { params: { query: { limit: 1 } } })),
  ]);
  const inProgress = [...running, ...queued];
  const waiting = [...review, ...awaiting];
  const attention = [...unconfirmed, ...failed];
  const upcoming = due.filter((post) => post.status === "scheduled" || post.status === "waiting_quota");
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  const articleLink = (article: Article) => (
    <ListItem key={article.id}>
      <Link className="link" href={`/articles/${article.id}`}>
        {article.title ?? article.sub_topic ?? article.topic}
      </Link>{" "}
      <StatusBadge status={article.status} label={ts(`articleStatus.${article.status}`)} />
      {article.current_step && (
        <Text span size="sm" ml="xs">
          {t("step", { step: article.current_step })}
        </Text>
      )}
    </ListItem>
  );
  const postLine = (post: Post) => (
    <ListItem key={post.id}>
      <Text span fw={500}>
        {post.platform}
      </Text>{" "}
      · {when(post.scheduled_at)} <StatusBadge status={post.status} label={ts(`postStatus.${post.status}`)} />
      {post.status === "unconfirmed" && (
        <Text size="sm">
          {t("unconfirmedNote")}
          {post.permalink && (
            <>
              {" "}
              <a className="link" href={post.permalink} rel="noreferrer noopener" target="_blank">
                {post.permalink}
              </a>
            </>
          )}
        </Text>
      )}
      {post.error && post.status === "failed" && <Text size="sm">{post.error}</Text>}
    </ListItem>
  );

  return (
    <Stack>
      <PageTitle title={t("title")} subtitle={ts("common.timeZone", { zone: await getTimeZone() })} />
      {pipelines.length === 0 && anyArticle.length === 0 && (
        <Alert color="blue" data-testid="empty-workspace">
          {t("emptyWorkspace")}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Section title={t("running")} empty={t("runningEmpty")} count={inProgress.length}>
          <List spacing="xs">{inProgress.map(articleLink)}</List>
        </Section>
        <Section title={t("approvals")} empty={t("approvalsEmpty")} count={waiting.length}>
          <List spacing="xs">{waiting.map(articleLink)}</List>
        </Section>
        <Section title={t("attention")} empty={t("attentionEmpty")} count={attention.length}>
          <List spacing="xs">{attention.map(postLine)}</List>
        </Section>
        <Section title={t("due")} empty={t("dueEmpty")} count={upcoming.length}>
          <List spacing="xs">{upcoming.map(postLine)}</List>
        </Section>
        <Card withBorder component="section" aria-label={t("usage")}>
          <Title order={2} size="h4" mb="sm">
            {t("usage")}
          </Title>
          <Text size="sm" mb="xs">
            {t("period", {
              start: format.dateTime(new Date(usage.period_start), { dateStyle: "medium", timeZone: "UTC" }),
              end: format.dateTime(new Date(usage.period_end), { dateStyle: "medium", timeZone: "UTC" }),
              plan: usage.plan,
            })}
          </Text>
          <List spacing="xs">
            {usage.metrics.map((metric) => (
              <ListItem key={metric.metric}>
                {ts(`metric.${metric.metric}`)}: {format.number(Number(metric.used))}
                {metric.limit !== null && ` / ${format.number(Number(metric.limit))}`}
              </ListItem>
            ))}
          </List>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
