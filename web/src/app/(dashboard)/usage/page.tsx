import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { RoutingPolicy } from "@/components/routing/RoutingPolicy";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";
import { UsageChart } from "@/components/usage/UsageChart";
import { atLeast } from "@/lib/roles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("usage"))("title") };
}

const DAYS = 30;

export default async function UsagePage() {
  const api = await serverApi();
  const t = await getTranslations("usage");
  const tw = await getTranslations("workspace.usage");
  const ts = await getTranslations();
  const format = await getFormatter();
  const [usage, models, routing, me] = await Promise.all([
    must(api.GET("/api/v1/usage")),
    must(api.GET("/api/v1/llm/usage", { params: { query: { days: DAYS } } })),
    must(api.GET("/api/v1/llm/routing")),
    must(api.GET("/api/v1/me")),
  ]);
  const tr = await getTranslations("review.routing");
  const number = (value: string | null) => (value === null ? t("unlimited") : format.number(Number(value)));
  const money = (value: string | number) => format.number(Number(value), { style: "currency", currency: "USD" });
  return (
    <>
      <PageTitle
        title={t("title")}
        subtitle={ts("home.period", {
          start: format.dateTime(new Date(usage.period_start), { dateStyle: "medium", timeZone: "UTC" }),
          end: format.dateTime(new Date(usage.period_end), { dateStyle: "medium", timeZone: "UTC" }),
          plan: usage.plan,
        })}
      />
      <Stack gap="xl">
        <Stack component="section" aria-labelledby="quotas-heading">
          <Title order={2} size="h4" id="quotas-heading">
            {tw("quotas")}
          </Title>
          <DataTable
            caption={t("title")}
            empty=""
            headers={[t("metric"), t("used"), t("limit"), t("remaining")]}
            rows={usage.metrics.map((metric) => [
              ts(`metric.${metric.metric}`),
              number(metric.used),
              number(metric.limit),
              number(metric.remaining),
            ])}
          />
        </Stack>

        <Stack component="section" aria-labelledby="models-heading">
          <Title order={2} size="h4" id="models-heading">
            {tw("models", { days: DAYS })}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Card withBorder padding="sm">
              <Text size="sm">{tw("spent")}</Text>
              <Text fw={700} data-testid="month-spent">
                {money(models.month_spent_usd)}
              </Text>
            </Card>
            <Card withBorder padding="sm">
              <Text size="sm">{tw("budget")}</Text>
              <Text fw={700}>{models.month_budget_usd === null ? t("unlimited") : money(models.month_budget_usd)}</Text>
            </Card>
            <Card withBorder padding="sm">
              <Text size="sm">{tw("forecast")}</Text>
              <Group gap="xs">
                <Text fw={700}>{money(models.month_forecast_usd)}</Text>
                {models.over_budget_risk && (
                  <Badge color="red" variant="dot">
                    {tw("overBudget")}
                  </Badge>
                )}
              </Group>
            </Card>
          </SimpleGrid>
          <UsageChart rows={models.rows} since={models.since} until={new Date().toISOString()} />
        </Stack>

        <Stack component="section" aria-labelledby="routing-heading">
          <Title order={2} size="h4" id="routing-heading">
            {tw("routing")}
          </Title>
          <Text size="sm">{atLeast(me.role, "admin") ? tr("explainAdmin") : tr("explain")}</Text>
          <RoutingPolicy routes={routing} canEdit={atLeast(me.role, "admin")} />
        </Stack>
      </Stack>
    </>
  );
}
