"use client";

import { Alert, Anchor, Badge, Box, Button, Card, Checkbox, Group, List, ListItem, SegmentedControl, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useMemo, useState, type FormEvent } from "react";

import type { components } from "@/api/schema";
import type { Post, SocialAccount } from "@/components/calendar/actions";
import { dayKey, fromLocalInput, localInputValue } from "@/components/calendar/zoned";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type Preview = components["schemas"]["PostPreview"];
type Platform = components["schemas"]["PostValidateRequest"]["platform"];

/** How each platform shows an image in the feed when the validator gives no bounds. */
const DISPLAY_ASPECT: Record<Platform, number> = { x: 16 / 9, facebook: 1.91, instagram: 1, threads: 4 / 5 };

interface Picture {
  url: string;
  width: number;
  height: number;
  format: string;
}

/** A video as the composer knows it: read from the file's own metadata in the browser, or
 * handed over by the videos page (`?video=ID`). */
export interface Clip {
  url: string;
  width: number;
  height: number;
  duration_s: number | null;
  /** The file's size: the validator needs it (0 when the browser cannot learn it). */
  size_bytes: number;
  cover: string | null;
}

/** The media a post carries, as `POST /posts` and `POST /posts/validate` take it. A video is
 * posted alone (a Reel on Instagram), with its cover frame when one is given. */
export function mediaFor(kind: "image" | "video", picture: Picture | null, clip: Clip | null) {
  if (kind === "video") {
    if (!clip) return { send: [], describe: [] };
    const facts = { width: clip.width, height: clip.height, format: "mp4", size_bytes: clip.size_bytes, kind: "video" as const, duration_s: clip.duration_s };
    return { send: [{ url: clip.url, ...facts, cover_url: clip.cover }], describe: [facts] };
  }
  if (!picture) return { send: [], describe: [] };
  const facts = { width: picture.width, height: picture.height, format: picture.format };
  return { send: [{ url: picture.url, ...facts }], describe: [facts] };
}

function imageFormat(url: string): string {
  const match = /\.(jpe?g|png|gif|webp)(\?|#|$)/i.exec(url);
  return match?.[1] ? match[1].toLowerCase().replace("jpg", "jpeg") : "jpeg";
}

/** The API describes its unit in English; the page names it in the reader's language. */
function unitKey(unit: string): "unitWeighted" | "unitBytes" | "unitCharacters" {
  if (unit.startsWith("weighted")) return "unitWeighted";
  if (unit.includes("UTF-8")) return "unitBytes";
  return "unitCharacters";
}

function hashtagList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((tag) => tag.replace(/^#/, "").trim())
    .filter(Boolean);
}

/** The aspect ratio a platform will show: the image's own inside the validator's bounds. */
export function cropAspect(preview: Preview | undefined, platform: Platform, picture: Picture): number {
  const own = picture.width / picture.height;
  const action = preview?.image_actions.find((item) => item.media_index === 0);
  if (action && (action.min_aspect || action.max_aspect)) {
    return Math.min(Math.max(own, action.min_aspect ?? 0), action.max_aspect ?? Infinity);
  }
  return DISPLAY_ASPECT[platform] ?? own;
}

/** Write once, see each platform's version: every change is checked by the API's validator
 * (`POST /posts/validate`, nothing saved) for each chosen platform — the length counted the
 * platform's way, the fixed text, what changed, warnings and errors, image crops — before
 * `POST /posts` schedules it. */
export function Composer(props: { accounts: SocialAccount[]; timeZone: string; image?: { url: string; designId: string }; video?: Clip }) {
  const t = useTranslations("posting.composer");
  const tp = useTranslations("posting.platform");
  const format = useFormatter();
  const [text, setText] = useState("");
  const [hashtags, setHashtags] = useState("");
  const [link, setLink] = useState("");
  const [imageUrl, setImageUrl] = useState(props.image?.url ?? "");
  const te = useTranslations("designEditor");
  const [picture, setPicture] = useState<Picture | null>(null);
  const [kind, setKind] = useState<"image" | "video">(props.video ? "video" : "image");
  const [videoUrl, setVideoUrl] = useState(props.video?.url ?? "");
  const [coverUrl, setCoverUrl] = useState(props.video?.cover ?? "");
  const [clip, setClip] = useState<Clip | null>(props.video ?? null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [when, setWhen] = useState(() => localInputValue(new Date(Date.now() + 3600_000), props.timeZone));
  const [previews, setPreviews] = useState<Partial<Record<Platform, Preview>>>({});
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [scheduled, setScheduled] = useState<Post[] | null>(null);

  const accounts = useMemo(() => new Map(props.accounts.map((a) => [a.id, a])), [props.accounts]);
  const platforms = useMemo(
    () => [...new Set(chosen.map((id) => accounts.get(id)?.platform).filter(Boolean))] as Platform[],
    [chosen, accounts],
  );

  // The image's size decides its crops and what the platforms require: read it in the browser.
  useEffect(() => {
    if (!imageUrl.trim()) {
      setPicture(null);
      return;
    }
    const image = new Image();
    image.onload = () => setPicture({ url: imageUrl, width: image.naturalWidth, height: image.naturalHeight, format: imageFormat(imageUrl) });
    image.onerror = () => setPicture(null);
    image.src = imageUrl;
  }, [imageUrl]);

  // A video's size and length decide what each platform accepts: read its metadata.
  useEffect(() => {
    const url = videoUrl.trim();
    const cover = coverUrl.trim() || null;
    if (!url) {
      setClip(null);
      return;
    }
    if (props.video && url === props.video.url) {
      setClip({ ...props.video, cover });
      return;
    }
    const element = document.createElement("video");
    element.preload = "metadata";
    element.onloadedmetadata = async () => {
      // Its size from the server's Content-Length, where the browser may read it.
      let size = 0;
      try {
        size = Number((await fetch(url, { method: "HEAD" })).headers.get("content-length") ?? 0) || 0;
      } catch {
        size = 0;
      }
      setClip({ url, width: element.videoWidth, height: element.videoHeight, duration_s: Number.isFinite(element.duration) ? element.duration : null, size_bytes: size, cover });
    };
    element.onerror = () => setClip(null);
    element.src = url;
    return () => {
      element.onloadedmetadata = null;
      element.onerror = null;
    };
  }, [videoUrl, coverUrl, props.video]);

  const media = useMemo(() => mediaFor(kind, picture, clip), [kind, picture, clip]);

  useEffect(() => {
    if (!text.trim() || platforms.length === 0) {
      setPreviews({});
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setChecking(true);
      const answers = await Promise.all(
        platforms.map(async (platform) => {
          const account = chosen.find((id) => accounts.get(id)?.platform === platform);
          try {
            const response = await fetch("/api/v1/posts/validate", {
              method: "POST",
              signal: controller.signal,
              headers: { "content-type": "application/json", ...csrfHeaders() },
              body: JSON.stringify({
                platform,
                text,
                hashtags: hashtagList(hashtags),
                link_url: link.trim() || null,
                media: media.describe,
                account_id: account,
              }),
            });
            return response.ok ? ([platform, (await response.json()) as Preview] as const) : null;
          } catch {
            return null;
          }
        }),
      );
      if (!controller.signal.aborted) {
        setPreviews(Object.fromEntries(answers.filter((answer) => answer !== null)));
        setChecking(false);
      }
    }, 300);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [text, hashtags, link, media, platforms, chosen, accounts]);

  const blocked = platforms.some((platform) => previews[platform] && !previews[platform]!.ok);

  async function schedule(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const at = fromLocalInput(when, props.timeZone);
    if (!at) {
      setError(t("badDate"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const response = await fetch("/api/v1/posts", {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({
          account_ids: chosen,
          text,
          hashtags: hashtagList(hashtags),
          link_url: link.trim() || null,
          media: media.send,
          scheduled_at: at.toISOString(),
        }),
      });
      if (response.ok) setScheduled((await response.json()) as Post[]);
      else setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  const first = scheduled?.[0];
  if (first) {
    return (
      <Alert color="green" title={t("scheduledTitle", { count: scheduled?.length ?? 0 })} data-testid="composer-done">
        <Stack gap="xs">
          <Text size="sm">
            {t("scheduledBody", { when: format.dateTime(new Date(first.scheduled_at), { dateStyle: "full", timeStyle: "short", timeZone: props.timeZone }) })}
          </Text>
          <Group>
            <Anchor component={Link} href={`/calendar?day=${dayKey(new Date(first.scheduled_at), props.timeZone)}`}>
              {t("seeCalendar")}
            </Anchor>
            <Button variant="default" size="xs" onClick={() => { setScheduled(null); setText(""); }}>
              {t("another")}
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }

  return (
    <form onSubmit={schedule}>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="sm">
          <Checkbox.Group label={t("accounts")} value={chosen} onChange={setChosen} withAsterisk>
            <Stack gap={4} mt={4}>
              {props.accounts.length === 0 && (
                <Text size="sm">
                  {t("noAccounts")} <Anchor component={Link} href="/accounts">{t("connect")}</Anchor>
                </Text>
              )}
              {props.accounts.map((account) => (
                <Checkbox key={account.id} value={account.id} label={`${account.name} (${tp(account.platform as Platform)})`} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Textarea label={t("text")} value={text} onChange={(event) => setText(event.currentTarget.value)} autosize minRows={5} maxLength={10000} required />
          <TextInput label={t("hashtags")} description={t("hashtagsHint")} value={hashtags} onChange={(event) => setHashtags(event.currentTarget.value)} />
          <TextInput label={t("link")} type="url" value={link} onChange={(event) => setLink(event.currentTarget.value)} />
          <SegmentedControl
            aria-label={t("mediaKind")}
            value={kind}
            onChange={(value) => setKind(value === "video" ? "video" : "image")}
            data={[
              { value: "image", label: t("mediaImage") },
              { value: "video", label: t("mediaVideo") },
            ]}
          />
          {kind === "image" ? (
            <TextInput label={t("image")} description={picture ? t("imageSize", { width: picture.width, height: picture.height }) : t("imageHint")} type="url" value={imageUrl} onChange={(event) => setImageUrl(event.currentTarget.value)} />
          ) : (
            <>
              <TextInput
                label={t("video")}
                description={clip ? t("videoSize", { width: clip.width, height: clip.height, seconds: Math.round(clip.duration_s ?? 0) }) : t("videoHint")}
                type="url"
                value={videoUrl}
                onChange={(event) => setVideoUrl(event.currentTarget.value)}
              />
              <TextInput label={t("cover")} description={t("coverHint")} type="url" value={coverUrl} onChange={(event) => setCoverUrl(event.currentTarget.value)} />
            </>
          )}
          {props.image && (
            <Anchor component={Link} href={`/designs/${props.image.designId}`} size="sm" data-testid="composer-edit-image">
              {te("open")}
            </Anchor>
          )}
          <TextInput type="datetime-local" label={t("when", { zone: props.timeZone })} value={when} onChange={(event) => setWhen(event.currentTarget.value)} required />
          <Group>
            <Button type="submit" loading={busy} disabled={chosen.length === 0 || !text.trim() || blocked || checking}>
              {t("schedule")}
            </Button>
            {blocked && <Text size="sm" c="red.9">{t("blocked")}</Text>}
          </Group>
          {error && (
            <Alert color="red" role="alert" title={t("failed")}>
              {error}
            </Alert>
          )}
        </Stack>
        <Stack gap="sm" aria-live="polite" aria-busy={checking}>
          <Title order={2} size="h4">
            {t("previews")}
          </Title>
          {platforms.length === 0 && <Text size="sm">{t("choose")}</Text>}
          {platforms.map((platform) => (
            <PlatformPreview key={platform} platform={platform} preview={previews[platform]} picture={kind === "image" ? picture : null} clip={kind === "video" ? clip : null} />
          ))}
        </Stack>
      </SimpleGrid>
    </form>
  );
}

function PlatformPreview(props: { platform: Platform; preview: Preview | undefined; picture: Picture | null; clip: Clip | null }) {
  const t = useTranslations("posting.composer");
  const tp = useTranslations("posting.platform");
  const { preview, platform, picture } = props;
  const over = preview ? preview.length > preview.limit : false;
  return (
    <Card withBorder component="section" aria-label={t("previewOf", { platform: tp(platform) })} data-testid={`preview-${platform}`}>
      <Group justify="space-between" mb="xs">
        <Text fw={700}>{tp(platform)}</Text>
        {preview && (
          <Group gap="xs">
            <Badge color={preview.ok ? "green" : "red"} variant="light" c="dark.9">
              {preview.ok ? t("ok") : t("cannotSend")}
            </Badge>
            <Text size="sm" c={over ? "red.9" : undefined} data-testid={`count-${platform}`}>
              {t("count", { length: preview.length, limit: preview.limit, unit: t(unitKey(preview.unit)) })}
            </Text>
          </Group>
        )}
      </Group>
      {!preview ? (
        <Text size="sm" c="gray.7">
          {t("waiting")}
        </Text>
      ) : (
        <Stack gap="xs">
          {preview.posts.map((part, index) => (
            <Box key={index} p="xs" style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8 }}>
              {preview.posts.length > 1 && (
                <Text size="xs" c="gray.7">
                  {t("threadPart", { n: index + 1, total: preview.posts.length })}
                </Text>
              )}
              <Text size="sm" style={{ whiteSpace: "pre-wrap" }} data-testid={`fixed-${platform}`}>
                {part.text}
              </Text>
              <Text size="xs" c="gray.7">
                {t("partCount", { length: part.length, unit: t(unitKey(preview.unit)) })}
              </Text>
            </Box>
          ))}
          {props.clip && (
            // The video as the feed shows it, its cover as the poster (not an image crop).
            <video
              controls
              preload="none"
              src={props.clip.url}
              poster={props.clip.cover ?? undefined}
              aria-label={t("videoOf", { platform: tp(platform) })}
              data-testid={`video-${platform}`}
              style={{ width: "100%", maxWidth: 220, aspectRatio: `${props.clip.width} / ${props.clip.height}`, borderRadius: 8, background: "#000", objectFit: "cover" }}
            />
          )}
          {picture && (
            <Box
              role="img"
              aria-label={t("crop", { platform: tp(platform) })}
              style={{
                aspectRatio: String(cropAspect(preview, platform, picture)),
                maxHeight: 220,
                backgroundImage: `url("${picture.url}")`,
                backgroundSize: "cover",
                backgroundPosition: "center",
                borderRadius: 8,
              }}
            />
          )}
          <Findings title={t("errors")} colour="red" items={preview.errors.map((issue) => issue.message + (issue.suggestion ? ` — ${issue.suggestion}` : ""))} />
          <Findings title={t("warnings")} colour="orange" items={preview.warnings.map((issue) => issue.message)} />
          <Findings title={t("changes")} colour="blue" items={preview.changes.map((change) => change.message)} />
          <Findings title={t("images")} colour="gray" items={preview.image_actions.map((action) => action.detail)} />
          <Findings title={t("videos")} colour="gray" items={(preview.video_actions ?? []).map((action) => action.detail)} />
          {preview.dropped_hashtags.length > 0 && <Text size="xs">{t("dropped", { tags: preview.dropped_hashtags.join(" ") })}</Text>}
        </Stack>
      )}
    </Card>
  );
}

function Findings(props: { title: string; colour: string; items: string[] }) {
  if (props.items.length === 0) return null;
  return (
    <Box>
      <Text size="xs" fw={700} c={props.colour === "red" ? "red.9" : undefined}>
        {props.title}
      </Text>
      <List size="xs">
        {props.items.map((item, index) => (
          <ListItem key={index}>{item}</ListItem>
        ))}
      </List>
    </Box>
  );
}
