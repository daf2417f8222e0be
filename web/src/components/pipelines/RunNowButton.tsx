"use client";

import { Alert, Button, Stack } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

/** Runs the plan now (`POST /pipelines/{id}/runs`) and opens the run's live view. */
export function RunNowButton({ pipelineId }: { pipelineId: string }) {
  const t = useTranslations("accountPlans.pipelines");
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/v1/pipelines/${pipelineId}/runs`, { method: "POST", headers: csrfHeaders() });
      if (response.ok) {
        const started = (await response.json()) as { id: string };
        router.push(`/pipelines/${pipelineId}/runs/${started.id}`);
        return;
      }
      setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  return (
    <Stack gap="xs" align="flex-start">
      <Button onClick={run} loading={busy}>
        {t("runNow")}
      </Button>
      {error && (
        <Alert color="red" title={t("runFailed")} role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
