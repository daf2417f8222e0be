"use client";

import { Alert, Button, Checkbox, Group, Stack, Switch } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

import { PLATFORMS, platformsOf, withPublishing } from "./defaults";

/** What happens to a pipeline's finished articles unless a row says otherwise (its Approval
 * and Platforms columns): whether they wait for a person's approval, and the platforms their
 * social posts go out on. Saved with `PATCH /pipelines/{id}`. */
export function PublishingDefaults(props: { pipelineId: string; defaults: Record<string, unknown>; canEdit: boolean }) {
  const t = useTranslations("pipelineDefaults");
  const tp = useTranslations("posting.platform");
  const router = useRouter();
  const [approval, setApproval] = useState(props.defaults.approval_required === true);
  const [platforms, setPlatforms] = useState<string[]>(platformsOf(props.defaults));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function save() {
    setBusy(true);
    setMessage(null);
    try {
      const response = await fetch(`/api/v1/pipelines/${props.pipelineId}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ defaults: withPublishing(props.defaults, approval, platforms) }),
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

  return (
    <Stack gap="sm" maw={640}>
      <Switch
        label={t("approval")}
        description={t("approvalHelp")}
        checked={approval}
        disabled={!props.canEdit || busy}
        onChange={(event) => setApproval(event.currentTarget.checked)}
      />
      <Checkbox.Group label={t("platforms")} description={t("platformsHelp")} value={platforms} onChange={setPlatforms}>
        <Group mt="xs">
          {PLATFORMS.map((platform) => (
            <Checkbox key={platform} value={platform} label={tp(platform)} disabled={!props.canEdit || busy} />
          ))}
        </Group>
      </Checkbox.Group>
      {props.canEdit && (
        <Group>
          <Button onClick={save} loading={busy}>
            {t("save")}
          </Button>
        </Group>
      )}
      {message && (
        <Alert color={message.ok ? "green" : "red"} title={message.ok ? undefined : t("failed")} role={message.ok ? "status" : "alert"}>
          {message.text}
        </Alert>
      )}
    </Stack>
  );
}
