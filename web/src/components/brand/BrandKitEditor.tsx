"use client";

import { Alert, Badge, Button, ColorInput, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

import { BrandLogo } from "./BrandLogo";
import { contrastRatio, grade, MIN_CARD_CONTRAST, parseHex } from "./contrast";

type Kit = components["schemas"]["BrandKitOut"];
type Font = components["schemas"]["BrandFontOut"];
type Logo = components["schemas"]["BrandLogoOut"];

function ContrastLine(props: { label: string; foreground: string; background: string; testId: string }) {
  const t = useTranslations("workspace.brand");
  const format = useFormatter();
  const ratio = contrastRatio(props.foreground, props.background);
  if (ratio === null) {
    return (
      <Text size="sm" data-testid={props.testId}>
        {props.label}: {t("contrastUnknown")}
      </Text>
    );
  }
  const level = grade(ratio);
  return (
    <Group gap="xs" data-testid={props.testId} data-grade={level}>
      <Text size="sm">
        {props.label}: {format.number(ratio, { maximumFractionDigits: 2, minimumFractionDigits: 2 })}:1
      </Text>
      <Badge color={level === "fail" ? "red" : level === "large" ? "yellow" : "green"} variant="dot">
        {t(`grade.${level}`)}
      </Badge>
    </Group>
  );
}

/** Words in lines of at most `width` characters (a title on the card). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** `a` mixed toward `b` (weight of a), as the renderer mutes the footer's text. */
function mix(a: string, b: string, weight: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  if (!x || !y) return a;
  return `rgb(${x.map((channel, index) => Math.round(channel * weight + (y[index] ?? 0) * (1 - weight))).join(", ")})`;
}

/** A sketch of the local renderer's portrait card (icop.images.render): the background, a
 * kicker in the accent, the title large, the subtitle, and the brand's name muted next to a
 * square in the accent. Drawn here, not by the renderer, and it says so. SVG: the colours are
 * the user's to try, so the sketch is one image, not page text. */
function CardSketch(props: { name: string; background: string; accent: string; text: string; font: string | null }) {
  const t = useTranslations("workspace.brand");
  const valid = (value: string, fallback: string) => (parseHex(value) ? value : fallback);
  const background = valid(props.background, "#ffffff");
  const ink = valid(props.text, "#000000");
  const accent = valid(props.accent, ink);
  const title = wrapWords(t("sampleTitle"), 16).slice(0, 4);
  const family = props.font ? `"${props.font}", sans-serif` : "sans-serif";
  return (
    <Stack gap={4}>
      <Text size="sm" fw={700} id="card-preview-label">
        {t("preview")}
      </Text>
      <svg
        viewBox="0 0 400 500"
        width="100%"
        style={{ maxWidth: 300, borderRadius: 8 }}
        role="img"
        aria-labelledby="card-preview-label"
        aria-describedby="card-preview-note"
        data-testid="card-preview"
        fontFamily={family}
      >
        <rect width="400" height="500" fill={background} data-testid="card-background" />
        <circle cx="360" cy="70" r="90" fill={accent} opacity="0.12" />
        <text x="30" y="54" fill={accent} fontSize="13" letterSpacing="1.5">
          {t("sampleKicker").toUpperCase()}
        </text>
        {title.map((line, index) => (
          <text key={index} x="30" y={100 + index * 38} fill={ink} fontSize="32" fontWeight="700">
            {line}
          </text>
        ))}
        <text x="30" y={100 + title.length * 38 + 14} fill={mix(ink, background, 0.72)} fontSize="16">
          {t("sampleSubtitle")}
        </text>
        <rect x="30" y="456" width="9" height="9" fill={accent} />
        <text x="48" y="465" fill={mix(ink, background, 0.72)} fontSize="13">
          {props.name}
        </text>
      </svg>
      <Text size="xs" c="dimmed" id="card-preview-note">
        {t("previewNote")}
      </Text>
    </Stack>
  );
}

interface CardKit {
  name: string;
  background: string;
  accent: string;
  text: string;
  font: string | null;
}

/** The sample card as the API's renderer draws it (`POST /images/card-preview`), asked for a
 * moment after the last change (not on every keystroke). While the kit cannot be rendered (a
 * colour half typed, contrast under the floor) or the API does not answer, the browser's
 * sketch stands in, labelled as such. */
function CardPreview(props: { kit: CardKit; fontLabel: string | null; legible: boolean; logoId: string | null }) {
  const t = useTranslations("workspace.brand");
  const [src, setSrc] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Which logo the card on screen was drawn with (set with the image, not when asked for).
  const [renderedLogo, setRenderedLogo] = useState<string | null>(null);
  const { name, background, accent, text, font } = props.kit;
  const logoId = props.logoId;
  const title = t("sampleTitle");
  const subtitle = t("sampleSubtitle");
  const kicker = t("sampleKicker");

  useEffect(() => {
    if (!props.legible || !name.trim()) {
      setSrc(null);
      return;
    }
    const abort = new AbortController();
    setPending(true);
    const timer = window.setTimeout(async () => {
      try {
        const response = await fetch("/api/v1/images/card-preview", {
          method: "POST",
          headers: { "content-type": "application/json", ...csrfHeaders() },
          // The saved logo, drawn by the renderer (a new id re-renders the card).
          body: JSON.stringify({ name: name.trim(), background, accent, text, font, title, subtitle, kicker, logo: logoId !== null }),
          signal: abort.signal,
        });
        const url = response.ok ? URL.createObjectURL(await response.blob()) : null;
        setSrc((previous) => {
          if (previous) URL.revokeObjectURL(previous);
          return url;
        });
        setRenderedLogo(logoId);
      } catch {
        if (!abort.signal.aborted) setSrc(null);
      }
      if (!abort.signal.aborted) setPending(false);
    }, 400);
    return () => {
      abort.abort();
      window.clearTimeout(timer);
    };
  }, [name, background, accent, text, font, title, subtitle, kicker, props.legible, logoId]);

  if (!src) return <CardSketch name={name} background={background} accent={accent} text={text} font={props.fontLabel} />;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={700}>
        {t("rendered")}
      </Text>
      {/* A blob from the API: next/image has nothing to optimise here. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img
        src={src}
        alt={t("renderedAlt", { title })}
        data-testid="card-rendered"
        data-logo={renderedLogo ?? "none"}
        aria-busy={pending}
        style={{ maxWidth: 300, width: "100%", borderRadius: 8, opacity: pending ? 0.6 : 1 }}
      />
      <Text size="xs" c="dimmed">
        {t("renderedNote")}
      </Text>
    </Stack>
  );
}

export function BrandKitEditor(props: { kit: Kit; fonts: Font[]; canEdit: boolean }) {
  const t = useTranslations("workspace.brand");
  const router = useRouter();
  const [name, setName] = useState(props.kit.name);
  const [background, setBackground] = useState(props.kit.background);
  const [accent, setAccent] = useState(props.kit.accent);
  const [text, setText] = useState(props.kit.text);
  const [font, setFont] = useState<string | null>(props.kit.font ?? null);
  const [logo, setLogo] = useState<Logo | null>(props.kit.logo ?? null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const textRatio = contrastRatio(text, background);
  const legible = textRatio !== null && textRatio >= MIN_CARD_CONTRAST;

  async function save() {
    setBusy(true);
    setMessage(null);
    try {
      const response = await fetch("/api/v1/brand/kit", {
        method: "PUT",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ name: name.trim(), background, accent, text, font }),
      });
      if (response.ok) {
        setMessage({ ok: true, text: t("saved") });
        router.refresh();
      } else {
        setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setMessage({ ok: false, text: t("failed") });
    }
    setBusy(false);
  }

  async function reset() {
    setBusy(true);
    setMessage(null);
    const response = await fetch("/api/v1/brand/kit", { method: "DELETE", headers: csrfHeaders() });
    if (response.ok) {
      setMessage({ ok: true, text: t("resetDone") });
      window.location.reload();
    } else {
      setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
    }
    setBusy(false);
  }

  const fontLabel = props.fonts.find((entry) => entry.name === font)?.label ?? null;

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
      <Stack>
        <Title order={2} size="h4">
          {t("kit")}
        </Title>
        {props.kit.is_default && <Text size="sm">{t("defaultKit")}</Text>}
        {!props.canEdit && (
          <Text size="sm" data-testid="kit-read-only">
            {t("readOnlyKit")}
          </Text>
        )}
        <TextInput label={t("name")} value={name} onChange={(event) => setName(event.currentTarget.value)} maxLength={80} readOnly={!props.canEdit} />
        <ColorInput label={t("background")} value={background} onChange={setBackground} format="hex" readOnly={!props.canEdit} withPicker={props.canEdit} withEyeDropper={props.canEdit} eyeDropperButtonProps={{ "aria-label": t("eyeDropper") }} />
        <ColorInput label={t("text")} value={text} onChange={setText} format="hex" readOnly={!props.canEdit} withPicker={props.canEdit} withEyeDropper={props.canEdit} eyeDropperButtonProps={{ "aria-label": t("eyeDropper") }} />
        <ColorInput label={t("accent")} value={accent} onChange={setAccent} format="hex" readOnly={!props.canEdit} withPicker={props.canEdit} withEyeDropper={props.canEdit} eyeDropperButtonProps={{ "aria-label": t("eyeDropper") }} />
        <Select
          label={t("font")}
          data={[{ value: "", label: t("defaultFont") }, ...props.fonts.map((entry) => ({ value: entry.name, label: entry.installed ? entry.label : t("notInstalled", { font: entry.label }) }))]}
          value={font ?? ""}
          onChange={(value) => setFont(value ? value : null)}
          readOnly={!props.canEdit}
          allowDeselect={false}
        />
        <Stack gap={4} aria-live="polite">
          <ContrastLine label={t("textOnBackground")} foreground={text} background={background} testId="text-contrast" />
          <ContrastLine label={t("accentOnBackground")} foreground={accent} background={background} testId="accent-contrast" />
          {textRatio !== null && !legible && (
            <Text size="sm" c="red.8" data-testid="contrast-too-low">
              {t("tooLow", { min: MIN_CARD_CONTRAST })}
            </Text>
          )}
        </Stack>
        {props.canEdit && (
          <Group>
            <Button onClick={save} loading={busy} disabled={!legible || !name.trim()}>
              {t("save")}
            </Button>
            {!props.kit.is_default && (
              <Button variant="default" onClick={reset} disabled={busy}>
                {t("reset")}
              </Button>
            )}
          </Group>
        )}
        {message && (
          <Alert color={message.ok ? "green" : "red"} role={message.ok ? "status" : "alert"}>
            {message.text}
          </Alert>
        )}
        <BrandLogo logo={logo} canEdit={props.canEdit} onChange={setLogo} />
      </Stack>
      <CardPreview kit={{ name, background, accent, text, font }} fontLabel={fontLabel} legible={legible} logoId={logo?.id ?? null} />
    </SimpleGrid>
  );
}
