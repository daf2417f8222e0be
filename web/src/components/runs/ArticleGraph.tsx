"use client";

import { Alert, Table, Text } from "@mantine/core";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";

import type { components } from "@/api/schema";

type Graph = components["schemas"]["ArticleGraphOut"];

/** The article's agent graph: the API's Mermaid flowchart (a class per node status, the
 * slowest bold) drawn in the browser by `mermaid`, loaded only on the pages that draw one,
 * and the same nodes as a table (the text a screen reader gets, with the durations). */
export function ArticleGraph({ articleId, tick }: { articleId: string; tick: number }) {
  const t = useTranslations("graph");
  const format = useFormatter();
  const [graph, setGraph] = useState<Graph | null>(null);
  const [failed, setFailed] = useState(false);
  const drawing = useRef<HTMLDivElement>(null);
  const id = `graph-${useId().replace(/[^a-zA-Z0-9]/g, "")}`;

  useEffect(() => {
    let current = true;
    fetch(`/api/v1/articles/${articleId}/graph`, { cache: "no-store" })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        const next = (await response.json()) as Graph;
        if (current) setGraph(next);
      })
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [articleId, tick]);

  useEffect(() => {
    if (!graph) return;
    let current = true;
    void (async () => {
      try {
        const { default: mermaid } = await import("mermaid");
        // strict: the labels are ours, but nothing in a diagram may run script or link out.
        mermaid.initialize({
          startOnLoad: false,
          securityLevel: "strict",
          theme: "neutral",
          // SVG text rather than HTML labels: the API's class colours apply as drawn.
          htmlLabels: false,
        });
        const { svg } = await mermaid.render(`${id}-${tick}`, graph.mermaid);
        if (current && drawing.current) {
          drawing.current.innerHTML = svg;
          drawing.current.dataset.drawn = graph.nodes.map((n) => `${n.name}:${n.status}`).join(",");
        }
      } catch {
        if (current) setFailed(true);
      }
    })();
    return () => {
      current = false;
    };
  }, [graph, id, tick]);

  if (failed && !graph) return <Alert color="red" title={t("failed")} />;
  if (!graph) return <Text size="sm">{t("loading")}</Text>;
  return (
    <>
      <div ref={drawing} className="mermaid-graph" role="img" aria-label={t("label")} data-testid="article-graph" />
      <Table captionSide="top" aria-label={t("nodes")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t("node")}</Table.Th>
            <Table.Th scope="col">{t("status")}</Table.Th>
            <Table.Th scope="col">{t("duration")}</Table.Th>
            <Table.Th scope="col">{t("runs")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {graph.nodes.map((node) => (
            <Table.Tr key={node.name} data-node={node.name} data-status={node.status}>
              <Table.Td>
                {node.name}
                {node.slowest ? ` (${t("slowest")})` : ""}
              </Table.Td>
              <Table.Td>{t(`statuses.${node.status}`)}</Table.Td>
              <Table.Td>
                {node.duration_ms === null
                  ? "—"
                  : format.number(node.duration_ms / 1000, { maximumFractionDigits: 2, style: "unit", unit: "second" })}
              </Table.Td>
              <Table.Td>{node.runs}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
