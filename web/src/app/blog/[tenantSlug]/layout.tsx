import { Anchor, Container, Group, Text } from "@mantine/core";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";

type Params = { children: ReactNode; params: Promise<{ tenantSlug: string }> };

/** The public blog: outside the dashboard's shell, no login, no navigation to the app. */
export default async function BlogLayout({ children, params }: Params) {
  const { tenantSlug } = await params;
  const t = await getTranslations("blog");
  return (
    <Container size="md" py="lg">
      <main>{children}</main>
      <footer>
        <Group mt="xl" gap="md">
          <Anchor href={`/blog/${tenantSlug}/rss.xml`} size="sm">
            {t("rss")}
          </Anchor>
          <Anchor href={`/blog/${tenantSlug}/sitemap.xml`} size="sm">
            {t("sitemap")}
          </Anchor>
          <Text size="sm" c="dimmed">
            {t("poweredBy")}
          </Text>
        </Group>
      </footer>
    </Container>
  );
}
