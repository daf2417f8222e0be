"use client";

import { Alert, Anchor, Badge, Button, Group, Stack, Table, TableScrollContainer, TableTbody, TableTd, TableTh, TableThead, TableTr, Text, TextInput, Title } from "@mantine/core";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";

import { designsApi, type Answer } from "@/lib/designs/client";
import { historyKey } from "@/lib/designs/edits";
import { readNote } from "@/lib/designs/notes";
import type { Candidate, Design, DesignVersion, HandAction, Problem } from "@/lib/designs/types";

import { DesignCanvas } from "./DesignCanvas";

type Notice = { tone: "ok" | "error" | "warning"; text: string; testId: string };
type Ambiguity = { text: string; candidates: Candidate[] };

function candidateLabel(candidate: Candidate): string {
  return candidate.name ?? candidate.text ?? candidate.role ?? candidate.id;
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * The editor page's client part: the canvas, the command box, undo/redo (buttons and
 * Ctrl/Cmd-Z/Y), the versions with previews and restore, and publishing. Every change goes
 * through the API with the head the page last saw (`expected_head`): a change made elsewhere
 * meanwhile is refused (409), and the page reloads the design and says so instead of merging.
 */
export function DesignEditor(props: { initial: Design; canEdit: boolean }) {
  const t = useTranslations("designEditor");
  const format = useFormatter();
  // The API's own notes in the page's language; a command's description stays as typed.
  const noteText = (note: string | null | undefined): string => {
    const read = readNote(note);
    if (read.kind === "created") return t("versions.notes.created");
    if (read.kind === "restored") return t("versions.notes.restored", { number: read.number });
    if (read.kind === "edited") {
      const actions = read.actions.map((action) => (t.has(`versions.actions.${action}`) ? t(`versions.actions.${action}`) : action));
      return t("versions.notes.edited", { actions: format.list(actions) });
    }
    return read.text;
  };
  const [design, setDesign] = useState(props.initial);
  const [revision, setRevision] = useState(0);
  const [versions, setVersions] = useState<DesignVersion[]>([]);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [ambiguity, setAmbiguity] = useState<Ambiguity | null>(null);
  const [command, setCommand] = useState("");
  const headRef = useRef(design.head);
  headRef.current = design.head;
  const busyRef = useRef(false);

  const loadVersions = useCallback(async () => {
    const answer = await designsApi.versions(design.id);
    if (answer.ok) setVersions(answer.data);
  }, [design.id]);

  useEffect(() => {
    void loadVersions();
  }, [loadVersions, design.head]);

  const show = useCallback((next: Design) => {
    setDesign(next);
    setRevision((value) => value + 1);
  }, []);

  /** The answer to a write: the new design, or what went wrong, said plainly. */
  async function settle(answer: Answer<Design>, done: (design: Design) => string) {
    if (answer.ok) {
      show(answer.data);
      setNotice({ tone: "ok", text: done(answer.data), testId: "editor-saved" });
      return;
    }
    await refuse(answer.status, answer.problem);
  }

  async function refuse(status: number, problem: Problem) {
    if (status === 409 && (problem.code === "design_version_conflict" || problem.head !== undefined)) {
      // Changed elsewhere meanwhile: never merged silently; the stored design is shown again.
      const fresh = await designsApi.get(design.id);
      if (fresh.ok) show(fresh.data);
      setNotice({ tone: "warning", text: t("conflict", { number: fresh.ok ? fresh.data.head : (problem.head ?? 0) }), testId: "editor-conflict" });
      return;
    }
    setRevision((value) => value + 1); // draw the stored document again over the refused gesture
    const detail = problem.detail ?? problem.title;
    setNotice({ tone: status === 409 ? "warning" : "error", text: detail ? t("refused", { detail }) : t("failed"), testId: "editor-refused" });
  }

  async function guarded(work: () => Promise<void>) {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    try {
      await work();
    } catch {
      setNotice({ tone: "error", text: t("failed"), testId: "editor-refused" });
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }

  const onEdit = (actions: HandAction[]) =>
    guarded(async () => {
      await settle(await designsApi.actions(design.id, actions, headRef.current), (next) => t("saved", { number: next.head }));
    });

  const undo = () => guarded(async () => settle(await designsApi.undo(design.id, headRef.current), (next) => t("undone", { number: next.head })));
  const redo = () => guarded(async () => settle(await designsApi.redo(design.id, headRef.current), (next) => t("redone", { number: next.head })));
  const undoRef = useRef(undo);
  const redoRef = useRef(redo);
  undoRef.current = undo;
  redoRef.current = redo;

  useEffect(() => {
    if (!props.canEdit) return;
    const listener = (event: KeyboardEvent) => {
      const wanted = historyKey({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, shiftKey: event.shiftKey, altKey: event.altKey, typing: typing(event.target) });
      if (!wanted) return;
      event.preventDefault();
      void (wanted === "undo" ? undoRef.current() : redoRef.current());
    };
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, [props.canEdit]);

  const runCommand = (text: string, targets?: string[]) =>
    guarded(async () => {
      setAmbiguity(null);
      const answer = await designsApi.command(design.id, text, headRef.current, targets);
      if (answer.ok) {
        show(answer.data.design);
        setNotice({ tone: "ok", text: t("command.applied", { description: answer.data.description }), testId: "command-description" });
        setCommand("");
        return;
      }
      const { problem } = answer;
      if (answer.status === 422 && problem.code === "ambiguous_reference" && problem.candidates?.length) {
        setNotice(null);
        setAmbiguity({ text, candidates: problem.candidates });
        return;
      }
      if (answer.status === 422 && problem.code === "command_not_understood") {
        setNotice({ tone: "warning", text: t("command.notUnderstood", { detail: problem.detail ?? "" }), testId: "command-not-understood" });
        return;
      }
      await refuse(answer.status, problem);
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (command.trim()) void runCommand(command.trim());
  };

  const restore = (number: number) =>
    guarded(async () => settle(await designsApi.restore(design.id, number, headRef.current), () => t("versions.restored", { number })));

  const publish = () =>
    guarded(async () => settle(await designsApi.publish(design.id), (next) => t("publish.done", { number: next.published_version ?? next.head })));

  return (
    <Stack gap="md">
      {!props.canEdit && (
        <Alert color="gray" role="status" data-testid="editor-read-only">
          {t("readOnly")}
        </Alert>
      )}
      <Group align="flex-start" gap="xl" wrap="wrap">
        <Stack gap="xs">
          <DesignCanvas document={design.document} revision={revision} readOnly={!props.canEdit} previewUrl={design.preview_url} onEdit={(actions) => void onEdit(actions)} />
          <Text size="sm" c="dimmed" data-testid="editor-head" data-head={design.head}>
            {t("head", { number: design.head, count: design.versions })}
          </Text>
        </Stack>
        <Stack gap="md" style={{ flex: 1, minWidth: 280 }}>
          {props.canEdit && (
            <form onSubmit={submit} aria-label={t("command.label")}>
              <Stack gap="xs">
                <TextInput
                  label={t("command.label")}
                  description={t("command.hint")}
                  placeholder={t("command.placeholder")}
                  value={command}
                  onChange={(event) => setCommand(event.currentTarget.value)}
                  name="command"
                  maxLength={500}
                />
                <Group>
                  <Button type="submit" loading={busy} disabled={!command.trim()}>
                    {t("command.submit")}
                  </Button>
                </Group>
              </Stack>
            </form>
          )}
          {ambiguity && (
            <Alert color="blue" role="status" data-testid="command-candidates" title={t("command.ambiguous", { text: ambiguity.text })}>
              <Group gap="xs">
                {ambiguity.candidates.map((candidate) => (
                  <Button key={candidate.id} size="xs" variant="default" onClick={() => void runCommand(ambiguity.text, [candidate.id])}>
                    {t("command.candidate", { type: candidate.type, label: candidateLabel(candidate) })}
                  </Button>
                ))}
                <Button size="xs" variant="subtle" onClick={() => setAmbiguity(null)}>
                  {t("command.cancel")}
                </Button>
              </Group>
            </Alert>
          )}
          {notice && (
            <Alert color={notice.tone === "ok" ? "green" : notice.tone === "warning" ? "yellow" : "red"} role={notice.tone === "ok" ? "status" : "alert"} data-testid={notice.testId}>
              {notice.text}
            </Alert>
          )}
          {props.canEdit && (
            <Stack gap={4}>
              <Group>
                <Button variant="default" onClick={() => void undo()} disabled={!design.can_undo || busy} aria-keyshortcuts="Control+Z Meta+Z">
                  {t("undo")}
                </Button>
                <Button variant="default" onClick={() => void redo()} disabled={!design.can_redo || busy} aria-keyshortcuts="Control+Shift+Z Control+Y Meta+Shift+Z">
                  {t("redo")}
                </Button>
                <Button onClick={() => void publish()} loading={busy}>
                  {t("publish.button")}
                </Button>
              </Group>
              <Text size="xs" c="dimmed">
                {t("undoHint")}
              </Text>
            </Stack>
          )}
          {design.published_version !== null && (
            <Group gap="xs" data-testid="editor-published">
              <Badge color="teal" variant="dot">
                {t("publish.published", { number: design.published_version })}
              </Badge>
              {design.published_url && (
                <Anchor href={design.published_url} target="_blank" rel="noreferrer" size="sm">
                  {t("publish.open")}
                </Anchor>
              )}
              {props.canEdit && (
                <Anchor component={Link} href={`/calendar/compose?design=${design.id}`} size="sm">
                  {t("publish.usePost")}
                </Anchor>
              )}
            </Group>
          )}
        </Stack>
      </Group>
      <section aria-labelledby="design-versions">
        <Title order={2} size="h4" id="design-versions">
          {t("versions.title")}
        </Title>
        {versions.length === 0 ? (
          <Text size="sm">{t("versions.empty")}</Text>
        ) : (
          <TableScrollContainer minWidth={560}>
            <Table striped captionSide="top" data-testid="design-versions">
              <caption className="visually-hidden">{t("versions.title")}</caption>
              <TableThead>
                <TableTr>
                  <TableTh scope="col">{t("versions.number")}</TableTh>
                  <TableTh scope="col">{t("versions.preview")}</TableTh>
                  <TableTh scope="col">{t("versions.note")}</TableTh>
                  <TableTh scope="col">{t("versions.created")}</TableTh>
                  {props.canEdit && <TableTh scope="col">{t("versions.restore", { number: "" }).trim()}</TableTh>}
                </TableTr>
              </TableThead>
              <TableTbody>
                {versions.map((version) => (
                  <TableTr key={version.number} data-version={version.number}>
                    <TableTd>
                      {version.number}
                      {version.is_head && (
                        <Badge ml="xs" size="sm" variant="dot">
                          {t("versions.current")}
                        </Badge>
                      )}
                    </TableTd>
                    <TableTd>
                      {/* eslint-disable-next-line @next/next/no-img-element -- the API's PNG of that version */}
                      <img src={version.preview_url} alt={t("versions.previewAlt", { number: version.number })} width={72} loading="lazy" style={{ border: "1px solid var(--mantine-color-gray-3)" }} />
                    </TableTd>
                    <TableTd>{noteText(version.note)}</TableTd>
                    <TableTd>{format.dateTime(new Date(version.created_at), { dateStyle: "medium", timeStyle: "medium" })}</TableTd>
                    {props.canEdit && (
                      <TableTd>
                        {!version.is_head && (
                          <Button size="xs" variant="default" onClick={() => void restore(version.number)} disabled={busy}>
                            {t("versions.restore", { number: version.number })}
                          </Button>
                        )}
                      </TableTd>
                    )}
                  </TableTr>
                ))}
              </TableTbody>
            </Table>
          </TableScrollContainer>
        )}
      </section>
    </Stack>
  );
}
