import { Badge, Box, Group, Stack, Text } from "@mantine/core";
import { useFormatter, useTranslations } from "next-intl";

import type { components } from "@/api/schema";

import { describePair } from "./contrast";

type PaletteEntry = components["schemas"]["PaletteEntry"];
type ContrastPair = components["schemas"]["ContrastPairOut"];
type Tone = components["schemas"]["ToneProfile"];

const GRADE_COLOURS = { aaa: "green", aa: "green", large: "yellow", fail: "red" } as const;

/** One colour as a square with its hex written under it: colour is never the only signal. */
export function Swatch(props: { hex: string; label?: string; size?: number }) {
  const size = props.size ?? 36;
  return (
    <Stack gap={2} align="center" w="fit-content" data-testid="swatch" data-hex={props.hex}>
      <Box
        aria-hidden
        style={{ width: size, height: size, borderRadius: 6, background: props.hex, border: "1px solid var(--mantine-color-gray-4)" }}
      />
      <Text size="xs" ff="monospace">
        {props.hex}
      </Text>
      {props.label && (
        <Text size="xs" c="dimmed">
          {props.label}
        </Text>
      )}
    </Stack>
  );
}

/** A learned palette: each colour with its share of the material and where it came from. */
export function Palette(props: { palette: PaletteEntry[] }) {
  const t = useTranslations("brandLearning");
  const format = useFormatter();
  if (props.palette.length === 0) return <Text size="sm">{t("noPalette")}</Text>;
  return (
    <Group gap="sm" data-testid="palette" role="list" aria-label={t("palette")}>
      {/* Where each colour came from is written under it (a tooltip would be the only way to
          learn it, and it pulls floating-ui's interaction hooks into every dashboard page). */}
      {props.palette.map((entry) => (
        <div role="listitem" key={entry.hex}>
          <Swatch
            hex={entry.hex}
            label={`${format.number(entry.share, { style: "percent", maximumFractionDigits: 0 })} · ${t(entry.source === "css" ? "fromCss" : "fromImage")}`}
          />
        </div>
      ))}
    </Group>
  );
}

/** Pairs of palette colours legible together: a sample of text in one on the other, the ratio
 * and the WCAG grade it reaches. */
export function ContrastPairs(props: { pairs: ContrastPair[] }) {
  const t = useTranslations("brandLearning");
  const tg = useTranslations("workspace.brand.grade");
  if (props.pairs.length === 0) return <Text size="sm">{t("noPairs")}</Text>;
  return (
    <Group gap="xs" data-testid="contrast-pairs">
      {props.pairs.slice(0, 8).map((pair) => {
        const shown = describePair(pair.foreground, pair.background, pair.ratio);
        if (!shown) return null;
        return (
          <Group
            key={`${pair.foreground}-${pair.background}`}
            gap={6}
            p={6}
            data-testid="contrast-pair"
            data-grade={shown.grade}
            style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 6 }}
          >
            {/* Large text (20 px bold): the size these pairs are legible at (3:1 and up). */}
            <Box px={8} py={2} style={{ background: pair.background, color: pair.foreground, borderRadius: 4, fontWeight: 700, fontSize: 20, lineHeight: 1.2 }}>
              Aa
            </Box>
            <Text size="xs" ff="monospace">
              {pair.foreground} / {pair.background}
            </Text>
            <Badge size="sm" variant="dot" color={GRADE_COLOURS[shown.grade]}>
              {shown.label} · {tg(shown.grade)}
            </Badge>
          </Group>
        );
      })}
    </Group>
  );
}

/** The tone profile: the model's description, and what was measured in the samples. */
export function ToneProfile(props: { tone: Tone | null | undefined }) {
  const t = useTranslations("brandLearning");
  const format = useFormatter();
  const { tone } = props;
  if (!tone) return <Text size="sm">{t("noTone")}</Text>;
  return (
    <Stack gap={4} data-testid="tone-profile">
      <Text size="sm">{tone.description}</Text>
      <Text size="sm">
        {t("toneFacts", {
          formality: t(`formality.${tone.formality}`),
          person: t(`person.${tone.person}`),
          words: format.number(tone.mean_sentence_words, { maximumFractionDigits: 1 }),
        })}
      </Text>
      {(tone.vocabulary ?? []).length > 0 && <Text size="sm">{t("vocabulary", { words: (tone.vocabulary ?? []).slice(0, 12).join(", ") })}</Text>}
      {(tone.do_phrases ?? []).length > 0 && <Text size="sm">{t("doPhrases", { phrases: (tone.do_phrases ?? []).join(" · ") })}</Text>}
      {(tone.dont_phrases ?? []).length > 0 && <Text size="sm">{t("dontPhrases", { phrases: (tone.dont_phrases ?? []).join(" · ") })}</Text>}
    </Stack>
  );
}
