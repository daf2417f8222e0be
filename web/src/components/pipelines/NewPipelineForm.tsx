"use client";

import {
  Alert,
  Button,
  Group,
  Radio,
  Stack,
  Table,
  TableScrollContainer,
  TableTbody,
  TableTd,
  TableTh,
  TableThead,
  TableTr,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type ChangeEvent, type FormEvent } from "react";

import type { components } from "@/api/schema";
import { StatusBadge } from "@/components/ui/StatusBadge";
import { csrfHeaders, problemMessage } from "@/lib/browser";

import { toCsv } from "./csv";

type Preview = components["schemas"]["PlanPreview"];
type Source = "file" | "google_sheet";

/** The cell in column `letters` (A, B, …, AA) of a row that starts at column A. */
function cellAt(cells: string[], letters: string): string {
  const index = [...letters.toUpperCase()].reduce((sum, char) => sum * 26 + char.charCodeAt(0) - 64, 0) - 1;
  return cells[index] ?? "";
}

const STATE_COLOUR: Record<string, string> = { ready: "ready", error: "failed", skipped: "cancelled" };

async function send(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, { ...init, headers: { ...(init.headers ?? {}), ...csrfHeaders() } });
}

/** A new pipeline from an uploaded plan (previewed row by row before anything is saved) or
 * from a Google Sheet id. Saving an upload creates an `import` pipeline with the columns its
 * header names, then imports the rows the preview showed. */
export function NewPipelineForm() {
  const t = useTranslations("accountPlans.pipelines");
  const router = useRouter();
  const [source, setSource] = useState<Source>("file");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState<"preview" | "save" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    setPreview(null);
    setError(null);
    if (!file) return;
    setBusy("preview");
    const body = new FormData();
    body.append("file", file, file.name);
    try {
      const response = await send("/api/v1/pipelines/preview", { method: "POST", body });
      if (response.ok) setPreview((await response.json()) as Preview);
      else setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    setError(null);
    if (source === "file" && !preview) {
      setError(t("chooseFileFirst"));
      return;
    }
    setBusy("save");
    try {
      const body =
        source === "file" && preview
          ? { name, source_type: "import", column_mapping: preview.column_mapping, sheet_range: preview.sheet_range }
          : {
              name,
              source_type: "google_sheet",
              google_sheet_id: String(form.get("sheet_id") ?? "").trim(),
              sheet_range: String(form.get("sheet_range") ?? "").trim() || undefined,
            };
      const created = await send("/api/v1/pipelines", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!created.ok) {
        setError((await problemMessage(created)) ?? t("failed"));
        setBusy(null);
        return;
      }
      const pipeline = (await created.json()) as { id: string };
      if (source === "file" && preview) {
        const imported = await send(`/api/v1/pipelines/${pipeline.id}/plan`, {
          method: "POST",
          headers: { "content-type": "text/csv" },
          body: toCsv([preview.header, ...preview.rows.map((row) => row.cells)]),
        });
        if (!imported.ok) {
          setError((await problemMessage(imported)) ?? t("failed"));
          setBusy(null);
          return;
        }
      }
      router.push(`/pipelines/${pipeline.id}`);
      router.refresh();
    } catch {
      setError(t("failed"));
      setBusy(null);
    }
  }

  return (
    <form onSubmit={save}>
      <Stack maw={960}>
        <TextInput name="name" label={t("name")} required maxLength={200} />
        <Radio.Group
          name="source"
          label={t("source")}
          value={source}
          onChange={(value) => {
            setSource(value as Source);
            setError(null);
          }}
        >
          <Group mt="xs">
            <Radio value="file" label={t("sourceFile")} />
            <Radio value="google_sheet" label={t("sourceSheet")} />
          </Group>
        </Radio.Group>
        {source === "file" ? (
          <Stack gap={4}>
            <label htmlFor="plan-file">
              <Text component="span" size="sm" fw={500}>
                {t("file")}
              </Text>
            </label>
            <input id="plan-file" name="file" type="file" accept=".csv,.xlsx" onChange={choose} aria-describedby="plan-file-help" />
            <Text size="xs" c="dimmed" id="plan-file-help">
              {t("fileHelp")}
            </Text>
          </Stack>
        ) : (
          <>
            <TextInput name="sheet_id" label={t("sheetId")} description={t("sheetIdHelp")} required pattern="[A-Za-z0-9_\-]{10,200}" />
            <TextInput name="sheet_range" label={t("sheetRange")} placeholder="ContentPlan!A2:E" />
          </>
        )}
        {busy === "preview" && <Text role="status">{t("reading")}</Text>}
        {error && (
          <Alert color="red" title={t("failed")} role="alert">
            {error}
          </Alert>
        )}
        {source === "file" && preview && <PreviewTable preview={preview} />}
        <Group>
          <Button type="submit" loading={busy === "save"} disabled={busy === "preview"}>
            {t("save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  const t = useTranslations("accountPlans.pipelines");
  const shown = preview.rows.filter((row) => row.cells.some((cell) => cell.trim() !== ""));
  return (
    <Stack gap="xs" data-testid="plan-preview">
      <Title order={2} size="h4">
        {t("previewTitle", { file: preview.file_name })}
      </Title>
      <Text role="status">{t("previewSummary", { ready: preview.ready, errors: preview.errors })}</Text>
      {preview.errors > 0 && (
        <Alert color="orange" title={t("badRowsTitle")}>
          {t("badRows")}
        </Alert>
      )}
      <TableScrollContainer minWidth={640}>
        <Table striped captionSide="top">
          <caption className="visually-hidden">{t("previewTitle", { file: preview.file_name })}</caption>
          <TableThead>
            <TableTr>
              <TableTh scope="col">{t("row")}</TableTh>
              <TableTh scope="col">{t("topic")}</TableTh>
              <TableTh scope="col">{t("state")}</TableTh>
              <TableTh scope="col">{t("language")}</TableTh>
              <TableTh scope="col">{t("mode")}</TableTh>
              <TableTh scope="col">{t("subTopics")}</TableTh>
              <TableTh scope="col">{t("problem")}</TableTh>
            </TableTr>
          </TableThead>
          <TableTbody>
            {shown.map((row) => (
              <TableTr key={row.row_number} data-state={row.state}>
                <TableTd>{row.row_number}</TableTd>
                <TableTd>{row.topic ?? cellAt(row.cells, preview.column_mapping.topic ?? "A")}</TableTd>
                <TableTd>
                  <StatusBadge status={STATE_COLOUR[row.state] ?? "queued"} label={t(`states.${row.state}`)} />
                </TableTd>
                <TableTd>{row.language ?? ""}</TableTd>
                <TableTd>{row.mode ? t(`modes.${row.mode}`) : ""}</TableTd>
                <TableTd>{row.sub_topic_count ?? ""}</TableTd>
                <TableTd>{row.error ?? ""}</TableTd>
              </TableTr>
            ))}
          </TableTbody>
        </Table>
      </TableScrollContainer>
    </Stack>
  );
}
