"use client";

import { Alert, Button, Group, Stack } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

/** The connect flows: Facebook Pages and Instagram come from one Meta consent ("meta"). */
const PROVIDERS = [
  { provider: "meta", key: "connectMeta" },
  { provider: "threads", key: "connectThreads" },
  { provider: "x", key: "connectX" },
] as const;

/** Start a connect flow at the API and send the browser to the platform's consent page (the
 * local emulator's on the embedded default); the API's callback brings it back here. */
export function ConnectButtons() {
  const t = useTranslations("posting.accounts");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function connect(provider: string) {
    setBusy(provider);
    setError(null);
    try {
      const response = await fetch(`/api/v1/accounts/connect/${provider}`, { method: "POST", headers: csrfHeaders() });
      if (response.ok) {
        const started = (await response.json()) as { authorization_url: string };
        window.location.assign(started.authorization_url);
        return;
      }
      setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  return (
    <Stack gap="xs">
      <Group gap="xs">
        {PROVIDERS.map(({ provider, key }) => (
          <Button key={provider} onClick={() => connect(provider)} loading={busy === provider} disabled={busy !== null} data-provider={provider}>
            {t(key)}
          </Button>
        ))}
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}

/** Delete the account's tokens (its posts' history stays), after a second click. */
export function DisconnectButton({ accountId, name }: { accountId: string; name: string }) {
  const t = useTranslations("posting.accounts");
  const router = useRouter();
  const [armed, setArmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function disconnect() {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/v1/accounts/${accountId}`, { method: "DELETE", headers: csrfHeaders() });
      if (response.ok) router.refresh();
      else setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
    setArmed(false);
  }

  return (
    <Stack gap={4}>
      {armed ? (
        <Group gap={4}>
          <Button size="xs" color="red" onClick={disconnect} loading={busy}>
            {t("confirmDisconnect", { name })}
          </Button>
          <Button size="xs" variant="default" onClick={() => setArmed(false)}>
            {t("keep")}
          </Button>
        </Group>
      ) : (
        <Button size="xs" variant="default" onClick={() => setArmed(true)} aria-label={t("disconnectNamed", { name })}>
          {t("disconnect")}
        </Button>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
