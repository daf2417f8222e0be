"use client";

import { Alert, Anchor, Button, FileInput, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type Document = components["schemas"]["DocumentOut"];
type Hit = components["schemas"]["SearchHitOut"];

/** The tenant's knowledge store: what research may cite. Upload a file, list, search, remove. */
export function KnowledgeDocuments(props: { documents: Document[]; canEdit: boolean }) {
  const t = useTranslations("workspace.knowledge");
  const format = useFormatter();
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function upload() {
    if (!file) return;
    setBusy("upload");
    setError(null);
    try {
      const form = new FormData();
      form.append("file", file);
      const response = await fetch("/api/v1/knowledge/documents/upload", { method: "POST", headers: csrfHeaders(), body: form });
      if (response.ok) {
        setFile(null);
        router.refresh();
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  async function search(event: FormEvent) {
    event.preventDefault();
    if (!query.trim()) return;
    setBusy("search");
    setError(null);
    try {
      const response = await fetch("/api/v1/knowledge/search", {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ query: query.trim(), limit: 5 }),
      });
      if (response.ok) setHits(((await response.json()) as components["schemas"]["SearchResponse"]).results);
      else setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  async function remove(id: string) {
    setBusy(id);
    setError(null);
    const response = await fetch(`/api/v1/knowledge/documents/${id}`, { method: "DELETE", headers: csrfHeaders() });
    if (response.ok) router.refresh();
    else setError((await problemMessage(response)) ?? t("failed"));
    setBusy(null);
  }

  return (
    <Stack component="section" aria-labelledby="knowledge-heading">
      <Title order={2} size="h4" id="knowledge-heading">
        {t("title")}
      </Title>
      <Text size="sm">{t("explain")}</Text>
      {props.canEdit && (
        <Group align="flex-end">
          <FileInput label={t("file")} description={t("fileHint")} accept=".txt,.md,.html,.htm,text/plain,text/markdown,text/html" value={file} onChange={setFile} clearable w={320} />
          <Button onClick={upload} loading={busy === "upload"} disabled={!file}>
            {t("upload")}
          </Button>
        </Group>
      )}
      {props.documents.length === 0 ? (
        <Text size="sm">{t("empty")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped data-testid="knowledge-documents">
            <caption className="visually-hidden">{t("title")}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("docTitle")}</Table.Th>
                <Table.Th scope="col">{t("chunks")}</Table.Th>
                <Table.Th scope="col">{t("added")}</Table.Th>
                {props.canEdit && <Table.Th scope="col">{t("actions")}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.documents.map((document) => (
                <Table.Tr key={document.id}>
                  <Table.Td>
                    {document.title}
                    {document.filename && (
                      <Text size="xs" c="dimmed">
                        {document.filename}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{format.number(document.chunk_count)}</Table.Td>
                  <Table.Td>{format.dateTime(new Date(document.created_at), { dateStyle: "medium" })}</Table.Td>
                  {props.canEdit && (
                    <Table.Td>
                      <Button size="compact-sm" variant="default" onClick={() => remove(document.id)} loading={busy === document.id} aria-label={t("removeOne", { title: document.title })}>
                        {t("remove")}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <form onSubmit={search} role="search" aria-label={t("search")}>
        <Group align="flex-end">
          <TextInput label={t("query")} value={query} onChange={(event) => setQuery(event.currentTarget.value)} maxLength={1000} w={320} />
          <Button type="submit" variant="default" loading={busy === "search"} disabled={!query.trim()}>
            {t("search")}
          </Button>
        </Group>
      </form>
      {hits !== null && (
        <Stack gap="xs" data-testid="knowledge-hits" aria-live="polite">
          {hits.length === 0 && <Text size="sm">{t("noHits")}</Text>}
          {hits.map((hit) => (
            <Stack gap={2} key={hit.chunk_id}>
              <Text size="sm" fw={600}>
                {hit.source_url ? (
                  <Anchor href={hit.source_url} target="_blank" rel="noreferrer">
                    {hit.title}
                  </Anchor>
                ) : (
                  hit.title
                )}{" "}
                · {t("score", { score: format.number(hit.score, { maximumFractionDigits: 2 }) })}
              </Text>
              <Text size="sm" lineClamp={3}>
                {hit.text}
              </Text>
            </Stack>
          ))}
        </Stack>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
