"use client";

import { Alert, Badge, Button, Group, Stack, Tabs, Text, Textarea, TextInput } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState, type FormEvent } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

import { ArticleMarkdown } from "./ArticleMarkdown";
import { FindingList, type Finding } from "./FindingList";

type Outcome =
  | { kind: "idle" }
  | { kind: "saved"; version: number; findings: Finding[] }
  | { kind: "conflict" }
  | { kind: "error"; message: string };

interface SavedAnswer {
  version: { number: number; findings: Finding[] };
}

/** Edit the article's Markdown: every save is a new version at the API, sent with the
 * version it started from (`If-Match`), so a save over someone else's newer one is refused
 * (412) and shown as a conflict instead of overwriting their work. */
export function ArticleEditor(props: { articleId: string; version: number; markdown: string }) {
  const t = useTranslations("editor");
  const router = useRouter();
  const [base, setBase] = useState(props.version);
  const [text, setText] = useState(props.markdown);
  const [summary, setSummary] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: "idle" });
  const [open, setOpen] = useState(false);

  // A newer version arrived from the server (a restore, a reload after a conflict): edit it.
  useEffect(() => {
    if (props.version > base) {
      setBase(props.version);
      setText(props.markdown);
    }
    // Only the server's answer should move the base; local saves set it themselves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.version, props.markdown]);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    try {
      const response = await fetch(`/api/v1/articles/${props.articleId}/content`, {
        method: "PUT",
        headers: { "content-type": "application/json", "if-match": `"v${base}"`, ...csrfHeaders() },
        body: JSON.stringify({ markdown: text, ...(summary.trim() ? { summary: summary.trim() } : {}) }),
      });
      if (response.ok) {
        const saved = (await response.json()) as SavedAnswer;
        setBase(saved.version.number);
        setSummary("");
        setOutcome({ kind: "saved", version: saved.version.number, findings: saved.version.findings });
        router.refresh();
      } else if (response.status === 412) {
        setOutcome({ kind: "conflict" });
      } else {
        setOutcome({ kind: "error", message: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setOutcome({ kind: "error", message: t("unreachable") });
    }
    setBusy(false);
  }

  if (!open) {
    return (
      <Group>
        <Button variant="default" onClick={() => setOpen(true)}>
          {t("open")}
        </Button>
      </Group>
    );
  }

  return (
    <form onSubmit={save} aria-labelledby="editor-title">
      <Stack>
        <Group justify="space-between">
          <Text fw={700} id="editor-title">
            {t("title")}
          </Text>
          <Badge variant="outline" color="gray">
            {t("editing", { version: base })}
          </Badge>
        </Group>
        <Tabs defaultValue="write" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="write">{t("write")}</Tabs.Tab>
            <Tabs.Tab value="preview">{t("preview")}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="write" pt="sm">
            <Textarea
              label={t("markdown")}
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
              autosize
              minRows={10}
              maxRows={30}
              required
              styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            />
          </Tabs.Panel>
          <Tabs.Panel value="preview" pt="sm">
            <ArticleMarkdown markdown={text} />
          </Tabs.Panel>
        </Tabs>
        <TextInput
          label={t("summary")}
          value={summary}
          maxLength={300}
          onChange={(event) => setSummary(event.currentTarget.value)}
        />
        <Group>
          <Button type="submit" loading={busy}>
            {t("save")}
          </Button>
        </Group>
        {outcome.kind === "saved" && (
          <Alert color="green" title={t("saved", { version: outcome.version })} role="status">
            {outcome.findings.length === 0 ? <Text size="sm">{t("noFindings")}</Text> : <FindingList findings={outcome.findings} />}
          </Alert>
        )}
        {outcome.kind === "conflict" && (
          <Alert color="orange" title={t("conflictTitle")} role="alert">
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
          <Alert color="red" title={t("failed")} role="alert">
            <Text size="sm">{outcome.message}</Text>
          </Alert>
        )}
      </Stack>
    </form>
  );
}
