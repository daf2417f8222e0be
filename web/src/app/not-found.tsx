import { Button, Center, Stack, Text, Title } from "@mantine/core";
import { getTranslations } from "next-intl/server";

export default async function NotFound() {
  const t = await getTranslations("errors");
  return (
    <Center component="main" mih="60vh">
      <Stack align="center" data-testid="not-found">
        <Title order={1}>{t("notFoundTitle")}</Title>
        <Text>{t("notFoundBody")}</Text>
        <Button component="a" href="/">
          {t("home")}
        </Button>
      </Stack>
    </Center>
  );
}
