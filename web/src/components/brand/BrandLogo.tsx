"use client";

import { Alert, Button, FileInput, Group, Stack, Text, Title } from "@mantine/core";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type Logo = components["schemas"]["BrandLogoOut"];

/** What the API accepts (icop.brand.logo): raster only, SVG is refused (ADR 0026). */
const ACCEPT = "image/png,image/jpeg,image/webp";
const MAX_BYTES = 512 * 1024;

/** The brand's logo: shown as stored, uploaded or replaced (multipart `PUT /brand/logo`) and
 * removed by owners and admins. The sample card beside it draws it once saved. */
export function BrandLogo(props: { logo: Logo | null; canEdit: boolean; onChange: (logo: Logo | null) => void }) {
  const t = useTranslations("brandLogo");
  const format = useFormatter();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState<"upload" | "remove" | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const logo = props.logo;

  async function upload() {
    if (!file) return;
    setMessage(null);
    // The API says the same (413); saying it here saves the upload.
    if (file.size > MAX_BYTES) {
      setMessage({ ok: false, text: t("tooLarge", { size: format.number(file.size / 1024, { maximumFractionDigits: 0 }) }) });
      return;
    }
    setBusy("upload");
    try {
      const form = new FormData();
      form.append("file", file);
      const response = await fetch("/api/v1/brand/logo", { method: "PUT", headers: csrfHeaders(), body: form });
      if (response.ok) {
        props.onChange((await response.json()) as Logo);
        setFile(null);
        setMessage({ ok: true, text: t("uploaded") });
      } else {
        setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setMessage({ ok: false, text: t("failed") });
    }
    setBusy(null);
  }

  async function remove() {
    setBusy("remove");
    setMessage(null);
    try {
      const response = await fetch("/api/v1/brand/logo", { method: "DELETE", headers: csrfHeaders() });
      if (response.ok) {
        props.onChange(null);
        setMessage({ ok: true, text: t("removed") });
      } else {
        setMessage({ ok: false, text: (await problemMessage(response)) ?? t("failed") });
      }
    } catch {
      setMessage({ ok: false, text: t("failed") });
    }
    setBusy(null);
  }

  return (
    <Stack gap="xs" data-testid="brand-logo">
      <Title order={3} size="h5">
        {t("title")}
      </Title>
      {logo ? (
        <Group gap="md" align="center">
          {/* Served by the API through the same-origin proxy; nothing for next/image to do. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={logo.url}
            alt={t("alt")}
            data-testid="logo-image"
            style={{ maxHeight: 64, maxWidth: 200, background: "repeating-conic-gradient(#e9ecef 0% 25%, #fff 0% 50%) 50% / 16px 16px", padding: 4, borderRadius: 4 }}
          />
          <Text size="sm" c="dimmed" data-testid="logo-details">
            {t("details", { width: logo.width, height: logo.height, format: logo.source_format.toUpperCase() })}
          </Text>
        </Group>
      ) : (
        <Text size="sm" data-testid="logo-none">
          {t("none")}
        </Text>
      )}
      {props.canEdit && (
        <Group align="flex-end">
          <FileInput
            label={logo ? t("replaceFile") : t("file")}
            description={t("hint")}
            accept={ACCEPT}
            value={file}
            onChange={setFile}
            w={320}
          />
          <Button onClick={upload} loading={busy === "upload"} disabled={!file || busy !== null}>
            {logo ? t("replace") : t("upload")}
          </Button>
          {logo && (
            <Button variant="default" color="red" onClick={remove} loading={busy === "remove"} disabled={busy !== null}>
              {t("remove")}
            </Button>
          )}
        </Group>
      )}
      {message && (
        <Alert color={message.ok ? "green" : "red"} role={message.ok ? "status" : "alert"} data-testid="logo-message">
          {message.text}
        </Alert>
      )}
    </Stack>
  );
}
