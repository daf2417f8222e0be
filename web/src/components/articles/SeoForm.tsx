"use client";

import { Alert, Badge, Button, Group, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState, type FormEvent } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";
import { SEO_LIMITS, seoProblems, splitList, type SeoValues } from "@/lib/seo";

export type { SeoValues };

type Outcome = { kind: "idle" } | { kind: "saved"; version: number } | { kind: "conflict" } | { kind: "error"; message: string };

/** Edit the SEO fields: each save is a new version of the article (`PUT …/content` with the
 * SEO fields alone and `If-Match`), its diff and restore in the version list. The counters show
 * the SEO schema's limits; the API checks them too (and the slug's form) and its refusal is
 * shown as it says it. */
export function SeoForm(props: { articleId: string; version: number; seo: SeoValues }) {
  const t = useTranslations("review.seo");
  const router = useRouter();
  const [base, setBase] = useState(props.version);
  const [title, setTitle] = useState(props.seo.title);
  const [description, setDescription] = useState(props.seo.meta_description);
  const [slug, setSlug] = useState(props.seo.slug);
  const [keywords, setKeywords] = useState(props.seo.keywords.join(", "));
  const [hashtags, setHashtags] = useState(props.seo.hashtags.map((tag) => `#${tag}`).join(" "));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: "idle" });

  useEffect(() => {
    // A newer version came from the server (a restore, the markdown editor): start from it.
    if (props.version > base) setBase(props.version);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.version]);

  const values: SeoValues = {
    title: title.trim(),
    meta_description: description.trim(),
    slug: slug.trim(),
    keywords: splitList(keywords, /,/),
    hashtags: splitList(hashtags, /[\s,]+/).map((tag) => tag.replace(/^#/, "")),
  };
  const problems = seoProblems(values);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    try {
      const response = await fetch(`/api/v1/articles/${props.articleId}/content`, {
        method: "PUT",
        headers: { "content-type": "application/json", "if-match": `"v${base}"`, ...csrfHeaders() },
        body: JSON.stringify({ seo: values }),
      });
      if (response.ok) {
        const saved = (await response.json()) as { version: { number: number } };
        setBase(saved.version.number);
        setOutcome({ kind: "saved", version: saved.version.number });
        router.refresh();
      } else if (response.status === 412) {
        setOutcome({ kind: "conflict" });
      } else {
        setOutcome({ kind: "error", message: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setOutcome({ kind: "error", message: t("failed") });
    }
    setBusy(false);
  }

  const counter = (used: number, limit: number) => t("count", { used, limit });
  return (
    <form onSubmit={save} aria-labelledby="seo-form-title">
      <Stack>
        <Group justify="space-between">
          <Text fw={700} id="seo-form-title">
            {t("formTitle")}
          </Text>
          <Badge variant="outline" color="gray">
            {t("editing", { version: base })}
          </Badge>
        </Group>
        <TextInput
          label={t("title")}
          value={title}
          onChange={(event) => setTitle(event.currentTarget.value)}
          description={counter(problems.lengths.title, SEO_LIMITS.title)}
          error={problems.title ? t(problems.title, { limit: SEO_LIMITS.title }) : undefined}
          required
        />
        <Textarea
          label={t("description")}
          value={description}
          onChange={(event) => setDescription(event.currentTarget.value)}
          description={counter(problems.lengths.meta_description, SEO_LIMITS.meta_description)}
          error={problems.meta_description ? t(problems.meta_description, { limit: SEO_LIMITS.meta_description }) : undefined}
          autosize
          minRows={2}
          required
        />
        <TextInput
          label={t("slug")}
          value={slug}
          onChange={(event) => setSlug(event.currentTarget.value)}
          description={`${counter(problems.lengths.slug, SEO_LIMITS.slug)} · ${t("slugHint")}`}
          error={problems.slug ? t(problems.slug, { limit: SEO_LIMITS.slug }) : undefined}
          required
        />
        <TextInput
          label={t("keywords")}
          value={keywords}
          onChange={(event) => setKeywords(event.currentTarget.value)}
          description={`${counter(values.keywords.length, SEO_LIMITS.items)} · ${t("keywordsHint", { limit: SEO_LIMITS.keyword })}`}
          error={problems.keywords ? t(problems.keywords, { limit: SEO_LIMITS.keyword }) : undefined}
        />
        <TextInput
          label={t("hashtags")}
          value={hashtags}
          onChange={(event) => setHashtags(event.currentTarget.value)}
          description={`${counter(values.hashtags.length, SEO_LIMITS.items)} · ${t("hashtagsHint", { limit: SEO_LIMITS.hashtag })}`}
          error={problems.hashtags ? t(problems.hashtags, { limit: SEO_LIMITS.hashtag }) : undefined}
        />
        <Group>
          <Button type="submit" loading={busy} disabled={problems.any}>
            {t("save")}
          </Button>
        </Group>
        {outcome.kind === "saved" && (
          <Alert color="green" role="status" title={t("saved", { version: outcome.version })}>
            {t("savedHint")}
          </Alert>
        )}
        {outcome.kind === "conflict" && (
          <Alert color="orange" role="alert" title={t("conflictTitle")}>
            <Stack gap="xs">
              <Text size="sm">{t("conflict", { version: base })}</Text>
              <Group>
                <Button variant="default" onClick={() => router.refresh()}>
                  {t("loadLatest")}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {outcome.kind === "error" && (
          <Alert color="red" role="alert" title={t("failed")}>
            <Text size="sm">{outcome.message}</Text>
          </Alert>
        )}
      </Stack>
    </form>
  );
}
