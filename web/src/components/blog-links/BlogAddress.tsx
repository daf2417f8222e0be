"use client";

import { Alert, Button, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

import { BLOG_SLUG_MAX, slugProblem } from "./slug";

type Blog = components["schemas"]["BlogSettingsOut"];

/** The workspace's blog address, /blog/{slug}: admins choose it; the old address stops
 * answering at once (the API's 404), which the help text says before anyone saves. */
export function BlogAddress({ blog, canEdit }: { blog: Blog; canEdit: boolean }) {
  const t = useTranslations("blogLinks.address");
  const router = useRouter();
  const [slug, setSlug] = useState(blog.blog_slug ?? blog.suggested_slug);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const problem = slugProblem(slug);
  const unchanged = slug === blog.blog_slug;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (problem) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const response = await fetch("/api/v1/blog", {
        method: "PUT",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ blog_slug: slug }),
      });
      if (response.ok) {
        setSaved(true);
        router.refresh();
      } else if (response.status === 409) {
        setError(t("taken", { slug }));
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  const current = blog.url ? (
    <Text size="sm" data-testid="blog-url">
      {t("current")}{" "}
      <a href={blog.url} target="_blank" rel="noreferrer">
        {blog.url}
      </a>
    </Text>
  ) : (
    <Text size="sm" data-testid="blog-url">
      {t("notYet", { slug: blog.suggested_slug })}
    </Text>
  );

  return (
    <Stack component="section" aria-labelledby="blog-address-heading" gap="xs">
      <Title order={2} size="h4" id="blog-address-heading">
        {t("title")}
      </Title>
      {current}
      {canEdit ? (
        <form onSubmit={save}>
          <Stack gap="xs">
            <TextInput
              label={t("label")}
              description={t("help")}
              styles={{ description: { color: "var(--mantine-color-text)" } }}
              leftSection={
                <Text size="sm" c="dark.4" aria-hidden>
                  /blog/
                </Text>
              }
              leftSectionWidth={56}
              value={slug}
              onChange={(event) => {
                setSlug(event.currentTarget.value.trim());
                setSaved(false);
              }}
              maxLength={BLOG_SLUG_MAX}
              error={slug && problem ? t(problem === "length" ? "tooShortOrLong" : "characters") : undefined}
              required
              w={{ base: "100%", sm: 560 }}
              data-testid="blog-slug"
            />
            <Group>
              <Button type="submit" loading={busy} disabled={!!problem || unchanged}>
                {t("save")}
              </Button>
            </Group>
            {blog.blog_slug && !unchanged && !problem && (
              <Text size="sm" c="orange.9" data-testid="old-address-warning">
                {t("oldAddress", { slug: blog.blog_slug })}
              </Text>
            )}
          </Stack>
        </form>
      ) : (
        <Text size="sm">{t("adminsOnly")}</Text>
      )}
      {saved && (
        <Alert color="green" role="status">
          {t("saved")}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
