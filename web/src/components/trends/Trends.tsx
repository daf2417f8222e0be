"use client";

import { Alert, Anchor, Badge, Button, Card, Group, List, ListItem, NativeSelect, Stack, Table, TableTbody, TableTd, TableTh, TableThead, TableTr, Text, Title } from "@mantine/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import type { components } from "@/api/schema";
import { StatusBadge } from "@/components/ui/StatusBadge";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type TrendsOut = components["schemas"]["TrendsOut"];
type Trend = components["schemas"]["TrendOut"];
type Suggestion = components["schemas"]["SuggestionOut"];
type Run = components["schemas"]["TrendRunOut"];
type Pipeline = { id: string; name: string };

function TrendCard(props: { trend: Trend; rank: number }) {
  const t = useTranslations("trends");
  const format = useFormatter();
  const { trend } = props;
  const headingId = `trend-${trend.id}`;
  return (
    <Card withBorder component="article" aria-labelledby={headingId} data-testid="trend" data-trend-id={trend.id}>
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start">
          <Title order={3} size="h5" id={headingId}>
            {props.rank}. {trend.label}
          </Title>
          <Badge variant="light" c="dark.9" data-testid="trend-score">
            {t("score", { score: format.number(trend.score, { maximumFractionDigits: 2 }) })}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {t("trendFacts", {
            size: trend.size,
            sources: trend.sources.join(", "),
            when: format.dateTime(new Date(trend.first_seen_at), { dateStyle: "medium", timeStyle: "short" }),
          })}
        </Text>
        {trend.keywords.length > 0 && (
          <Group gap={4}>
            {trend.keywords.map((keyword) => (
              <Badge key={keyword} size="sm" variant="outline" c="dark.9">
                {keyword}
              </Badge>
            ))}
          </Group>
        )}
        {trend.items.length > 0 && (
          <List size="sm" spacing={2} data-testid="trend-items">
            {trend.items.map((item) => (
              <ListItem key={item.id}>
                {item.url ? (
                  <Anchor href={item.url} target="_blank" rel="noreferrer" size="sm">
                    {item.title}
                  </Anchor>
                ) : (
                  item.title
                )}
                <Text span size="xs" c="dimmed">
                  {" · "}
                  {item.source}
                  {item.published_at ? ` · ${format.dateTime(new Date(item.published_at), { dateStyle: "medium" })}` : ""}
                  {item.trend_score !== null ? ` · ${t("itemScore", { score: format.number(item.trend_score, { maximumFractionDigits: 2 }) })}` : ""}
                </Text>
              </ListItem>
            ))}
          </List>
        )}
      </Stack>
    </Card>
  );
}

function SuggestionRow(props: { suggestion: Suggestion; pipelines: Pipeline[]; canEdit: boolean }) {
  const t = useTranslations("trends");
  const format = useFormatter();
  const router = useRouter();
  const [suggestion, setSuggestion] = useState(props.suggestion);
  const [pipeline, setPipeline] = useState(props.pipelines[0]?.id ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ conflict: boolean; text: string } | null>(null);
  const promotedTo = props.pipelines.find((candidate) => candidate.id === suggestion.pipeline_id);

  async function promote() {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/v1/trends/suggestions/${suggestion.id}/promote`, {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ pipeline_id: pipeline }),
      });
      if (response.ok) {
        setSuggestion((await response.json()) as Suggestion);
        router.refresh();
      } else {
        const detail = (await problemMessage(response)) ?? t("failed");
        setError({ conflict: response.status === 409, text: response.status === 409 ? t("conflict", { detail }) : detail });
      }
    } catch {
      setError({ conflict: false, text: t("failed") });
    }
    setBusy(false);
  }

  return (
    <TableTr data-testid="suggestion" data-suggestion-id={suggestion.id} data-status={suggestion.status}>
      <TableTd>
        <Text size="sm" fw={600}>
          {suggestion.topic}
        </Text>
        <Text size="xs" c="dimmed">
          {t("fromTrend", { trend: suggestion.trend_label, topic: suggestion.matched_topic })}
        </Text>
      </TableTd>
      <TableTd>
        <Text size="sm">{format.number(suggestion.score, { maximumFractionDigits: 2 })}</Text>
        <Text size="xs" c="dimmed">
          {t("similarity", { value: format.number(suggestion.similarity, { style: "percent", maximumFractionDigits: 0 }) })}
        </Text>
      </TableTd>
      <TableTd>
        {suggestion.status === "promoted" ? (
          <Text size="sm" data-testid="promoted">
            {t("promotedTo", { pipeline: promotedTo?.name ?? t("aPipeline"), row: suggestion.row_number ?? 0 })}{" "}
            {suggestion.pipeline_id && (
              <Anchor component={Link} href={`/pipelines/${suggestion.pipeline_id}`} size="sm">
                {t("openPipeline")}
              </Anchor>
            )}
          </Text>
        ) : suggestion.status === "dismissed" ? (
          <StatusBadge status="cancelled" label={t("dismissed")} />
        ) : props.canEdit && props.pipelines.length > 0 ? (
          <Group gap={4} align="end" wrap="nowrap">
            <NativeSelect
              size="xs"
              aria-label={t("promoteTo", { topic: suggestion.topic })}
              value={pipeline}
              onChange={(event) => setPipeline(event.currentTarget.value)}
              data={props.pipelines.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
            />
            <Button size="compact-sm" onClick={promote} loading={busy} aria-label={t("promoteOne", { topic: suggestion.topic })}>
              {t("promote")}
            </Button>
          </Group>
        ) : (
          <Text size="sm">{props.canEdit ? t("noImportPipeline") : t("open")}</Text>
        )}
        {error && (
          <Alert color={error.conflict ? "orange" : "red"} role="alert" mt={4} p="xs" data-testid="promote-error" data-conflict={error.conflict}>
            {error.text}
          </Alert>
        )}
      </TableTd>
    </TableTr>
  );
}

/** The nightly trend run's named trends and the plan rows proposed from them, with "Run now"
 * and "Promote" (to a pipeline whose plan was imported: a sheet or file plan is edited where it
 * lives, and the API refuses it). */
export function Trends(props: { trends: TrendsOut; suggestions: Suggestion[]; pipelines: Pipeline[]; latestRun: Run | null; canEdit: boolean }) {
  const t = useTranslations("trends");
  const ts = useTranslations("trends.runStatus");
  const format = useFormatter();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const run = props.trends.run;
  const latest = props.latestRun;

  async function runNow() {
    setBusy(true);
    setNotice(null);
    try {
      const response = await fetch("/api/v1/trends/run", { method: "POST", headers: csrfHeaders() });
      if (response.ok) {
        setNotice({ ok: true, text: t("started") });
        router.refresh();
      } else {
        setNotice({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setNotice({ ok: false, text: t("failed") });
    }
    setBusy(false);
  }

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="center">
        <Stack gap={2}>
          {run ? (
            <Text size="sm" data-testid="trend-run">
              {t("runLine", {
                when: format.dateTime(new Date(run.finished_at ?? run.created_at), { dateStyle: "medium", timeStyle: "short" }),
                trigger: t(run.trigger === "schedule" ? "nightly" : "manual"),
              })}
            </Text>
          ) : (
            <Text size="sm">{t("noRun")}</Text>
          )}
          {latest && latest.id !== run?.id && (
            <Group gap="xs" data-testid="latest-run">
              <StatusBadge status={latest.status === "succeeded" ? "ready" : latest.status} label={ts(latest.status)} />
              <Text size="sm">{latest.step ? t("step", { step: latest.step }) : ""}</Text>
              {latest.error && (
                <Text size="sm" c="red.9">
                  {latest.error}
                </Text>
              )}
            </Group>
          )}
          {run && Object.keys(run.source_errors).length > 0 && (
            <Text size="sm" c="orange.9">
              {t("sourceErrors", { sources: Object.entries(run.source_errors).map(([source, message]) => `${source}: ${message}`).join("; ") })}
            </Text>
          )}
        </Stack>
        {props.canEdit && (
          <Button onClick={runNow} loading={busy}>
            {t("runNow")}
          </Button>
        )}
      </Group>
      <div role="status" aria-live="polite">
        {notice && (
          <Alert color={notice.ok ? "green" : "red"} title={notice.ok ? undefined : t("failed")} data-testid="run-notice" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t("close")}>
            {notice.text}
          </Alert>
        )}
      </div>
      <Stack component="section" aria-labelledby="suggestions-heading" gap="xs">
        <Title order={2} size="h4" id="suggestions-heading">
          {t("suggestions")}
        </Title>
        <Text size="sm">{t("suggestionsExplain")}</Text>
        {props.suggestions.length === 0 ? (
          <Text size="sm" data-testid="suggestions-empty">
            {t("noSuggestions")}
          </Text>
        ) : (
          <Table verticalSpacing={4} data-testid="suggestions">
            <TableThead>
              <TableTr>
                <TableTh>{t("topic")}</TableTh>
                <TableTh>{t("scoreHeading")}</TableTh>
                <TableTh>{t("action")}</TableTh>
              </TableTr>
            </TableThead>
            <TableTbody>
              {props.suggestions.map((suggestion) => (
                <SuggestionRow key={suggestion.id} suggestion={suggestion} pipelines={props.pipelines} canEdit={props.canEdit} />
              ))}
            </TableTbody>
          </Table>
        )}
      </Stack>
      <Stack component="section" aria-labelledby="trends-heading" gap="xs">
        <Title order={2} size="h4" id="trends-heading">
          {t("named")}
        </Title>
        {props.trends.trends.length === 0 ? (
          <Text size="sm" data-testid="trends-empty">
            {t("noTrends")}
          </Text>
        ) : (
          props.trends.trends.map((trend, index) => <TrendCard key={trend.id} trend={trend} rank={index + 1} />)
        )}
      </Stack>
    </Stack>
  );
}
