"use client";

import { Button, Stack, Text, Title } from "@mantine/core";
import { useTranslations } from "next-intl";

export default function DashboardError({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations("errors");
  return (
    <Stack align="flex-start" role="alert">
      <Title order={1} size="h2">
        {t("errorTitle")}
      </Title>
      <Text>{t("errorBody")}</Text>
      <Button onClick={reset}>{t("retry")}</Button>
    </Stack>
  );
}
