"use client";

import { Badge, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";

import { StatusBadge } from "@/components/ui/StatusBadge";

import { ArticleGraph } from "./ArticleGraph";
import { applied, type Run, type RunEvent } from "./events";

type Connection = "connecting" | "live" | "ended" | "lost";

const CHANGE_KINDS = ["run", "row", "article", "step"] as const;

/** A pipeline run as it happens: the API's server-sent events (through the same-origin proxy)
 * move each row, article and step; after each burst of events the run is read once more for
 * what events do not carry (times, costs). No polling: nothing is read while nothing happens. */
export function LiveRun({ initial }: { initial: Run }) {
  const t = useTranslations("run");
  const ts = useTranslations();
  const format = useFormatter();
  const [run, setRun] = useState(initial);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [graphTick, setGraphTick] = useState(0);
  const reading = useRef(false);

  useEffect(() => {
    const base = `/api/v1/pipelines/${initial.pipeline_id}/runs/${initial.id}`;
    const source = new EventSource(`${base}/events`);
    let closed = false;

    async function reread() {
      if (reading.current) return;
      reading.current = true;
      // Events come in bursts (a step's end, the article's status, the row's): read once.
      await new Promise((resolve) => setTimeout(resolve, 100));
      reading.current = false;
      try {
        const response = await fetch(base, { cache: "no-store" });
        if (response.ok && !closed) setRun((await response.json()) as Run);
      } catch {
        // The next event reads again.
      }
      if (!closed) setGraphTick((tick) => tick + 1);
    }

    const onChange = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as RunEvent;
      setRun((current) => applied(current, event));
      void reread();
    };
    for (const kind of CHANGE_KINDS) source.addEventListener(kind, onChange as EventListener);
    source.addEventListener("end", () => {
      source.close();
      setConnection("ended");
      void reread();
    });
    source.onopen = () => setConnection("live");
    source.onerror = () => {
      // EventSource reconnects by itself (resuming with Last-Event-ID); closed means it gave up.
      setConnection(source.readyState === EventSource.CLOSED ? "lost" : "connecting");
    };
    return () => {
      closed = true;
      source.close();
    };
  }, [initial.id, initial.pipeline_id]);

  const rows = run.rows ?? [];
  const articles = rows.flatMap((row) => (row.articles ?? []).filter((a) => a.article_id));
  const graphArticle = articles.find((a) => a.status === "running") ?? articles[0];

  return (
    <Stack>
      <Group>
        <Text>{t("status")}</Text>
        <Badge variant="dot" color={run.status === "running" ? "blue" : run.status === "succeeded" ? "green" : "gray"} data-testid="run-status">
          {t(`runStatus.${run.status}`)}
        </Badge>
        <Text size="sm" data-testid="live-connection" data-state={connection} aria-live="polite">
          {t(`connection.${connection}`)}
        </Text>
      </Group>
      <Text size="sm">
        {t("progress", { done: run.rows_done, failed: run.rows_failed, total: run.rows_total })}
      </Text>
      <Table.ScrollContainer minWidth={600}>
        <Table captionSide="top" aria-label={t("rows")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("row")}</Table.Th>
              <Table.Th scope="col">{t("topic")}</Table.Th>
              <Table.Th scope="col">{t("rowStatus")}</Table.Th>
              <Table.Th scope="col">{t("articles")}</Table.Th>
              <Table.Th scope="col">{t("cost")}</Table.Th>
              <Table.Th scope="col">{t("updated")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.row_number} data-row={row.row_number} data-status={row.status}>
                <Table.Td>{row.row_number}</Table.Td>
                <Table.Td>{row.topic ?? "—"}</Table.Td>
                <Table.Td>
                  {/* The row's step is the API's English note ("writing 2 article(s)"): the
                      status says it in the page's language and the next column lists them. */}
                  {t(`rowStatuses.${row.status}`)}
                </Table.Td>
                <Table.Td>
                  <Stack gap={4}>
                    {(row.articles ?? []).map((article, index) => (
                      <Group key={article.article_id ?? index} gap="xs" data-article={article.article_id ?? ""}>
                        <Text size="sm">{article.sub_topic}</Text>
                        {article.status && <StatusBadge status={article.status} label={ts(`articleStatus.${article.status}`)} />}
                        {article.status === "running" && article.current_step && (
                          <Text size="sm">{t("step", { step: article.current_step })}</Text>
                        )}
                      </Group>
                    ))}
                  </Stack>
                </Table.Td>
                <Table.Td>{format.number(Number(row.cost_usd), { style: "currency", currency: "USD", maximumFractionDigits: 4 })}</Table.Td>
                <Table.Td>{format.dateTime(new Date(row.updated_at), { timeStyle: "medium" })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {graphArticle?.article_id && (
        <section aria-labelledby="graph-title">
          <Title order={2} size="h4" id="graph-title">
            {t("graph", { subTopic: graphArticle.sub_topic })}
          </Title>
          <ArticleGraph articleId={graphArticle.article_id} tick={graphTick} />
        </section>
      )}
    </Stack>
  );
}
