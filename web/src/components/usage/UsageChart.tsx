"use client";

import { Box, Group, SegmentedControl, Stack, Table, Text } from "@mantine/core";
import { useFormatter, useTranslations } from "next-intl";
import { useMemo, useState } from "react";

import { buildSeries, daysBetween, type GroupBy, type Measure, type UsageRow } from "./series";

// Distinguishable on white and, in this order, for the commonest colour blindness (Okabe-Ito).
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7a6a00", "#000000"];

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 76, right: 8, top: 12, bottom: 28 };

/** Model calls, tokens or cost per day as stacked bars, one colour per model or per task, drawn
 * as SVG here (no chart library: the route stays small), with the same figures as a table. */
export function UsageChart(props: { rows: UsageRow[]; since: string; until: string }) {
  const t = useTranslations("workspace.usage");
  const format = useFormatter();
  const [measure, setMeasure] = useState<Measure>("cost");
  const [groupBy, setGroupBy] = useState<GroupBy>("model");
  const days = useMemo(() => daysBetween(new Date(props.since), new Date(props.until)), [props.since, props.until]);
  const series = useMemo(() => buildSeries(props.rows, days, measure, groupBy, t("noModel")), [props.rows, days, measure, groupBy, t]);

  const value = (amount: number) =>
    measure === "cost"
      ? format.number(amount, { style: "currency", currency: "USD", maximumFractionDigits: amount < 1 ? 4 : 2 })
      : format.number(amount);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, slot * 0.7);
  const scale = series.max > 0 ? plotH / series.max : 0;
  const colour = (index: number) => PALETTE[index % PALETTE.length] ?? "#000000";
  const dayLabel = (day: string) => format.dateTime(new Date(`${day}T00:00:00Z`), { month: "short", day: "numeric", timeZone: "UTC" });
  const tickEvery = Math.max(1, Math.ceil(days.length / 8));
  const title = t("chartTitle", { measure: t(`measure.${measure}`), groupBy: t(`groupByName.${groupBy}`) });

  return (
    <Stack gap="sm" data-testid="usage-chart">
      <Group>
        <SegmentedControl
          aria-label={t("measureLabel")}
          value={measure}
          onChange={(next) => setMeasure(next as Measure)}
          data={(["cost", "tokens", "calls"] as const).map((key) => ({ value: key, label: t(`measure.${key}`) }))}
        />
        <SegmentedControl
          aria-label={t("groupByLabel")}
          value={groupBy}
          onChange={(next) => setGroupBy(next as GroupBy)}
          data={(["model", "task"] as const).map((key) => ({ value: key, label: t(`groupBy.${key}`) }))}
        />
      </Group>
      {props.rows.length === 0 ? (
        <Text size="sm" data-testid="usage-chart-empty">
          {t("noCalls")}
        </Text>
      ) : (
        <>
          <Box style={{ overflowX: "auto" }}>
            <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" style={{ maxWidth: WIDTH, minWidth: 480 }} role="img" aria-label={title}>
              <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} stroke="#495057" />
              {[0, 0.5, 1].map((fraction) => (
                <g key={fraction}>
                  <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + plotH * (1 - fraction)} y2={PAD.top + plotH * (1 - fraction)} stroke="#dee2e6" strokeDasharray={fraction ? "3 3" : undefined} />
                  <text x={PAD.left - 6} y={PAD.top + plotH * (1 - fraction) + 4} textAnchor="end" fontSize="11" fill="#343a40">
                    {value(series.max * fraction)}
                  </text>
                </g>
              ))}
              {series.values.map((stack, dayIndex) => {
                let y = PAD.top + plotH;
                const day = series.days[dayIndex] ?? "";
                const x = PAD.left + dayIndex * slot + (slot - barW) / 2;
                return (
                  <g key={day} data-testid="usage-bar">
                    {stack.map((amount, keyIndex) => {
                      if (amount <= 0) return null;
                      const height = Math.max(1, amount * scale);
                      y -= height;
                      return (
                        <rect key={series.keys[keyIndex]} x={x} y={y} width={barW} height={height} fill={colour(keyIndex)}>
                          <title>{`${dayLabel(day)} · ${series.keys[keyIndex]}: ${value(amount)}`}</title>
                        </rect>
                      );
                    })}
                    {dayIndex % tickEvery === 0 && (
                      <text x={x + barW / 2} y={HEIGHT - 8} textAnchor="middle" fontSize="11" fill="#343a40">
                        {dayLabel(day)}
                      </text>
                    )}
                  </g>
                );
              })}
            </svg>
          </Box>
          <Table.ScrollContainer minWidth={360}>
            <Table data-testid="usage-legend">
              <caption className="visually-hidden">{title}</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t(`groupBy.${groupBy}`)}</Table.Th>
                  <Table.Th scope="col">{t(`measure.${measure}`)}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {series.keys.map((key, index) => (
                  <Table.Tr key={key}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <span aria-hidden style={{ width: 12, height: 12, background: colour(index), display: "inline-block", borderRadius: 2 }} />
                        {key}
                      </Group>
                    </Table.Td>
                    <Table.Td>{value(series.totals[key] ?? 0)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
