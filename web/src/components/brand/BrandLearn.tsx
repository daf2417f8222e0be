"use client";

import { Alert, Button, FileInput, Group, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

import { splitSamples, splitUrls } from "./learn";

/** The API's limits (icop.brand.learning_router): more is refused there anyway. */
const MAX_IMAGES = 8;
const MAX_PAGES = 5;
const MAX_SAMPLES = 20;
const MAX_URLS = 5;

/** Learning a kit from the brand's material: logo and images (colours), HTML pages or CSS
 * (declared fonts and colours), text samples and past articles (tone), and public pages the
 * API fetches now through its guard. What comes back is a proposal to review, never the kit. */
export function BrandLearn() {
  const t = useTranslations("brandLearning");
  const router = useRouter();
  const [name, setName] = useState("");
  const [images, setImages] = useState<File[]>([]);
  const [pages, setPages] = useState<File[]>([]);
  const [samples, setSamples] = useState<File[]>([]);
  const [text, setText] = useState("");
  const [urls, setUrls] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const written = splitSamples(text);
  const addresses = splitUrls(urls);
  const nothing = images.length + pages.length + samples.length + written.length + addresses.length === 0;
  const tooMany = images.length > MAX_IMAGES || pages.length > MAX_PAGES || samples.length + written.length > MAX_SAMPLES || addresses.length > MAX_URLS;

  async function learn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    const form = new FormData();
    if (name.trim()) form.append("name", name.trim());
    for (const file of images) form.append("images", file);
    for (const file of pages) form.append("pages", file);
    for (const file of samples) form.append("samples", file);
    for (const sample of written) form.append("sample_text", sample);
    for (const url of addresses) form.append("url", url);
    try {
      const response = await fetch("/api/v1/brand/learn", { method: "POST", headers: csrfHeaders(), body: form });
      if (response.ok) {
        setDone(true);
        setImages([]);
        setPages([]);
        setSamples([]);
        setText("");
        setUrls("");
        router.refresh();
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  return (
    <Stack component="section" aria-labelledby="learn-heading" data-testid="brand-learn">
      <Title order={2} size="h4" id="learn-heading">
        {t("learnTitle")}
      </Title>
      <Text size="sm">{t("learnExplain")}</Text>
      <form onSubmit={learn}>
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <TextInput label={t("learnName")} description={t("learnNameHint")} value={name} onChange={(event) => setName(event.currentTarget.value)} maxLength={80} />
            <FileInput label={t("learnImages")} description={t("learnImagesHint", { max: MAX_IMAGES })} accept="image/png,image/jpeg,image/webp" multiple value={images} onChange={setImages} clearable />
            <FileInput label={t("learnSamples")} description={t("learnSamplesHint", { max: MAX_SAMPLES })} accept=".txt,.md,.html,.htm,text/plain,text/markdown,text/html" multiple value={samples} onChange={setSamples} clearable />
            <FileInput label={t("learnPages")} description={t("learnPagesHint", { max: MAX_PAGES })} accept=".html,.htm,.css,text/html,text/css" multiple value={pages} onChange={setPages} clearable />
          </SimpleGrid>
          <Textarea label={t("learnText")} description={t("learnTextHint")} value={text} onChange={(event) => setText(event.currentTarget.value)} autosize minRows={3} maxRows={10} />
          <Textarea label={t("learnUrls")} description={t("learnUrlsHint", { max: MAX_URLS })} value={urls} onChange={(event) => setUrls(event.currentTarget.value)} autosize minRows={1} maxRows={5} />
          <Group>
            <Button type="submit" loading={busy} disabled={nothing || tooMany}>
              {t("learn")}
            </Button>
            {tooMany && (
              <Text size="sm" c="red.9">
                {t("tooMany")}
              </Text>
            )}
          </Group>
          <div role="status" aria-live="polite">
            {busy && <Text size="sm">{t("learning")}</Text>}
            {done && (
              <Alert color="green" data-testid="learn-done">
                {t("learned")}
              </Alert>
            )}
          </div>
          {error && (
            <Alert color="red" role="alert" title={t("failed")} data-testid="learn-error">
              {error}
            </Alert>
          )}
        </Stack>
      </form>
    </Stack>
  );
}
