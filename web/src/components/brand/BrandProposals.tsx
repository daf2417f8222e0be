"use client";

import { Alert, Badge, Button, Card, Group, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

import { describePair, parseHex } from "./contrast";
import { KitDiff } from "./KitDiff";
import { ContrastPairs, Palette, Swatch, ToneProfile } from "./Swatches";

type Proposal = components["schemas"]["BrandProposalOut"];
type Font = components["schemas"]["BrandFontOut"];
type Edits = components["schemas"]["ProposalEdits"];

function lines(value: string): string[] {
  return value
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

/** What a proposal was learned from, in words ("2 images, 3 samples, example.org"). */
function SourcesLine(props: { sources: Proposal["sources"] }) {
  const t = useTranslations("brandLearning");
  const parts: string[] = [];
  for (const key of ["images", "pages", "samples"] as const) {
    const count = props.sources[key];
    if (typeof count === "number" && count > 0) parts.push(t(`source.${key}`, { count }));
  }
  const urls = props.sources.urls;
  if (Array.isArray(urls) && urls.length > 0) parts.push(urls.map(String).join(", "));
  if (parts.length === 0) return null;
  return <Text size="sm">{t("learnedFrom", { sources: parts.join(", ") })}</Text>;
}

function ProposalCard(props: { proposal: Proposal; fonts: Font[]; canEdit: boolean }) {
  const t = useTranslations("brandLearning");
  const tb = useTranslations("brand");
  const format = useFormatter();
  const router = useRouter();
  const { proposal } = props;
  const kit = proposal.proposal;
  const [mode, setMode] = useState<"view" | "edit" | "reject">("view");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(kit.name);
  const [background, setBackground] = useState(kit.background);
  const [accent, setAccent] = useState(kit.accent);
  const [text, setText] = useState(kit.text);
  const [font, setFont] = useState<string | null>(kit.font ?? null);
  const [toneDescription, setToneDescription] = useState(kit.tone?.description ?? "");
  const [doPhrases, setDoPhrases] = useState((kit.tone?.do_phrases ?? []).join("\n"));
  const [dontPhrases, setDontPhrases] = useState((kit.tone?.dont_phrases ?? []).join("\n"));
  const [note, setNote] = useState("");
  const [reason, setReason] = useState("");

  /** Only what the person changed goes to the API: the rest is the proposal as learned. */
  function edits(): Edits | null {
    const changed: Edits = {};
    if (name.trim() !== kit.name) changed.name = name.trim();
    if (background !== kit.background) changed.background = background;
    if (accent !== kit.accent) changed.accent = accent;
    if (text !== kit.text) changed.text = text;
    if ((font ?? null) !== (kit.font ?? null) && font) changed.font = font as Edits["font"];
    if (kit.tone && toneDescription.trim() !== kit.tone.description) changed.tone_description = toneDescription.trim();
    if (kit.tone && lines(doPhrases).join("\n") !== (kit.tone.do_phrases ?? []).join("\n")) changed.do_phrases = lines(doPhrases);
    if (kit.tone && lines(dontPhrases).join("\n") !== (kit.tone.dont_phrases ?? []).join("\n")) changed.dont_phrases = lines(dontPhrases);
    return Object.keys(changed).length > 0 ? changed : null;
  }

  async function decide(action: "accept" | "reject") {
    setBusy(action);
    setError(null);
    const body =
      action === "accept"
        ? { edits: mode === "edit" ? edits() : null, note: note.trim() || null }
        : { reason: reason.trim() || null };
    try {
      const response = await fetch(`/api/v1/brand/proposals/${proposal.id}/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        router.refresh();
        return;
      }
      setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("failed"));
    } finally {
      setBusy(null);
    }
  }

  const textPair = describePair(kit.text, kit.background);
  const headingId = `proposal-${proposal.id}`;
  const fontLabel = props.fonts.find((candidate) => candidate.name === kit.font)?.label ?? kit.font;
  return (
    <Card withBorder component="article" aria-labelledby={headingId} data-testid="brand-proposal" data-proposal-id={proposal.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={3} size="h5" id={headingId}>
              {t("proposalTitle", { name: kit.name })}
            </Title>
            <Text size="xs" c="dimmed">
              {t("proposedAt", { when: format.dateTime(new Date(proposal.created_at), { dateStyle: "medium", timeStyle: "short" }) })}
              {proposal.reason ? ` · ${proposal.reason}` : ""}
            </Text>
          </Stack>
          <Badge variant="light" color="grape" c="dark.9">
            {t(`trigger.${proposal.trigger}`)}
          </Badge>
        </Group>
        <SourcesLine sources={proposal.sources} />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Stack gap="xs">
            <Text size="sm" fw={700}>
              {t("kitColours")}
            </Text>
            <Group gap="md">
              <Swatch hex={kit.background} label={tb("background")} />
              <Swatch hex={kit.accent} label={tb("accent")} />
              <Swatch hex={kit.text} label={tb("text")} />
            </Group>
            {textPair && (
              <Text size="sm" data-testid="proposal-text-contrast" data-grade={textPair.grade}>
                {t("textContrast", { ratio: textPair.label })}
              </Text>
            )}
            <Text size="sm" fw={700}>
              {t("palette")}
            </Text>
            <Palette palette={kit.palette ?? []} />
            <Text size="sm" fw={700}>
              {t("contrastPairs")}
            </Text>
            <ContrastPairs pairs={kit.contrast_pairs ?? []} />
          </Stack>
          <Stack gap="xs">
            <Text size="sm" fw={700}>
              {t("fonts")}
            </Text>
            <Text size="sm" data-testid="proposal-fonts">
              {t("fontLine", {
                font: fontLabel ?? t("noFont"),
                heading: kit.heading_font ?? "—",
                body: kit.body_font ?? "—",
              })}
            </Text>
            {(kit.declared_fonts ?? []).length > 0 && <Text size="sm">{t("declaredFonts", { fonts: (kit.declared_fonts ?? []).join(", ") })}</Text>}
            <Text size="sm" fw={700}>
              {t("tone")}
            </Text>
            <ToneProfile tone={kit.tone} />
          </Stack>
        </SimpleGrid>
        <KitDiff changes={proposal.changes ?? []} caption={t("changesFromCurrent")} />
        {props.canEdit && mode === "edit" && (
          <Stack gap="xs" data-testid="proposal-edits">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label={t("editName")} value={name} onChange={(event) => setName(event.currentTarget.value)} maxLength={80} />
              <Select
                label={tb("font")}
                value={font}
                onChange={setFont}
                data={props.fonts.map((candidate) => ({ value: candidate.name, label: candidate.label }))}
                clearable
              />
              <TextInput label={tb("background")} value={background} onChange={(event) => setBackground(event.currentTarget.value)} error={parseHex(background) ? null : t("badColour")} />
              <TextInput label={tb("accent")} value={accent} onChange={(event) => setAccent(event.currentTarget.value)} error={parseHex(accent) ? null : t("badColour")} />
              <TextInput label={tb("text")} value={text} onChange={(event) => setText(event.currentTarget.value)} error={parseHex(text) ? null : t("badColour")} />
            </SimpleGrid>
            {kit.tone && (
              <>
                <Textarea label={t("editTone")} value={toneDescription} onChange={(event) => setToneDescription(event.currentTarget.value)} autosize minRows={2} maxLength={600} />
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <Textarea label={t("editDo")} description={t("onePerLine")} value={doPhrases} onChange={(event) => setDoPhrases(event.currentTarget.value)} autosize minRows={2} />
                  <Textarea label={t("editDont")} description={t("onePerLine")} value={dontPhrases} onChange={(event) => setDontPhrases(event.currentTarget.value)} autosize minRows={2} />
                </SimpleGrid>
              </>
            )}
          </Stack>
        )}
        {props.canEdit && mode !== "reject" && (
          <TextInput label={t("note")} value={note} onChange={(event) => setNote(event.currentTarget.value)} maxLength={500} />
        )}
        {props.canEdit && mode === "reject" && (
          <TextInput label={t("rejectReason")} value={reason} onChange={(event) => setReason(event.currentTarget.value)} maxLength={500} />
        )}
        {props.canEdit && (
          <Group gap="xs">
            {mode === "reject" ? (
              <>
                <Button color="red" onClick={() => decide("reject")} loading={busy === "reject"} disabled={busy !== null}>
                  {t("confirmReject")}
                </Button>
                <Button variant="default" onClick={() => setMode("view")} disabled={busy !== null}>
                  {t("back")}
                </Button>
              </>
            ) : (
              <>
                <Button onClick={() => decide("accept")} loading={busy === "accept"} disabled={busy !== null}>
                  {mode === "edit" ? t("acceptEdited") : t("accept")}
                </Button>
                <Button variant="default" onClick={() => setMode(mode === "edit" ? "view" : "edit")} disabled={busy !== null}>
                  {mode === "edit" ? t("dropEdits") : t("edit")}
                </Button>
                <Button variant="default" onClick={() => setMode("reject")} disabled={busy !== null}>
                  {t("reject")}
                </Button>
              </>
            )}
          </Group>
        )}
        {error && (
          <Alert color="red" role="alert" title={t("failed")} data-testid="proposal-error">
            {error}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

/** Kits the brand learning proposed: each reviewed and accepted (with edits, if any) as the
 * next version, or rejected. Nothing learned is applied by itself. */
export function BrandProposals(props: { proposals: Proposal[]; fonts: Font[]; canEdit: boolean }) {
  const t = useTranslations("brandLearning");
  const format = useFormatter();
  const pending = props.proposals.filter((proposal) => proposal.status === "pending");
  const decided = props.proposals.filter((proposal) => proposal.status !== "pending").slice(0, 5);
  return (
    <Stack component="section" aria-labelledby="proposals-heading" data-testid="brand-proposals">
      <Title order={2} size="h4" id="proposals-heading">
        {t("proposals")}
      </Title>
      <Text size="sm">{t("proposalsExplain")}</Text>
      {pending.length === 0 && (
        <Text size="sm" data-testid="proposals-empty">
          {t("noProposals")}
        </Text>
      )}
      {pending.map((proposal) => (
        <ProposalCard key={proposal.id} proposal={proposal} fonts={props.fonts} canEdit={props.canEdit} />
      ))}
      {decided.length > 0 && (
        <Stack gap={2} data-testid="decided-proposals">
          <Text size="sm" fw={700}>
            {t("decided")}
          </Text>
          {decided.map((proposal) => (
            <Text size="sm" key={proposal.id} data-status={proposal.status}>
              {t(`decision.${proposal.status === "accepted" ? "accepted" : "rejected"}`, {
                name: proposal.proposal.name,
                when: format.dateTime(new Date(proposal.decided_at ?? proposal.created_at), { dateStyle: "medium", timeStyle: "short" }),
                version: proposal.version_number ?? 0,
              })}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
