import { Group, Stack, Text, Title } from "@mantine/core";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { articleDesigns } from "@/lib/designs/server";

/** The article's images as designs, each with "Edit image" into the editor (issue 14 §7). */
export async function ArticleDesigns({ articleId }: { articleId: string }) {
  const designs = await articleDesigns(articleId);
  if (designs.length === 0) return null;
  const t = await getTranslations("designEditor");
  return (
    <section aria-labelledby="article-images">
      <Title order={2} size="h4" id="article-images">
        {t("articleImages")}
      </Title>
      <Group gap="lg" align="flex-start" mt="xs">
        {designs.map((design, index) => (
          <Stack key={design.id} gap={4} data-testid="article-design">
            {/* eslint-disable-next-line @next/next/no-img-element -- the API's PNG of the design */}
            <img src={design.preview_url} alt={t("imageAlt", { number: index + 1 })} width={160} style={{ border: "1px solid var(--mantine-color-gray-3)" }} />
            <Text size="sm">
              <Link className="link" href={`/designs/${design.id}`} aria-label={`${t("open")} ${index + 1}`}>
                {t("open")} {index + 1}
              </Link>
            </Text>
          </Stack>
        ))}
      </Group>
    </section>
  );
}
