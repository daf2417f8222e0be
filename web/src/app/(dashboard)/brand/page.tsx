import { Card, ColorSwatch, Group, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { PageTitle } from "@/components/ui/PageTitle";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("brand"))("title") };
}

export default async function BrandPage() {
  const api = await serverApi();
  const t = await getTranslations("brand");
  const format = await getFormatter();
  const kit = await must(api.GET("/api/v1/brand/kit"));
  const colours = [
    { label: t("background"), value: kit.background },
    { label: t("accent"), value: kit.accent },
    { label: t("text"), value: kit.text },
  ];
  return (
    <>
      <PageTitle title={t("title")} />
      <Card withBorder component="section" aria-labelledby="kit" maw={560}>
        <Stack>
          <Title order={2} size="h4" id="kit">
            {t("kit")}: {kit.name}
          </Title>
          {kit.is_default && <Text size="sm">{t("defaultKit")}</Text>}
          <Group>
            {colours.map((colour) => (
              <Group key={colour.label} gap="xs">
                <ColorSwatch color={colour.value} aria-hidden />
                <Text size="sm">
                  {colour.label} {colour.value}
                </Text>
              </Group>
            ))}
          </Group>
          <Text size="sm">
            {t("font")}: {kit.font ? JSON.stringify(kit.font) : t("noFont")}
          </Text>
          <Text size="sm">
            {t("contrast", {
              ratio: format.number(kit.text_contrast, { maximumFractionDigits: 1 }),
              accent: format.number(kit.accent_contrast, { maximumFractionDigits: 1 }),
            })}
          </Text>
        </Stack>
      </Card>
    </>
  );
}
