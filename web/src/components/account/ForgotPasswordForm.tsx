"use client";

import { Alert, Button, Stack, TextInput } from "@mantine/core";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { csrfHeaders, problemMessage } from "@/lib/browser";

/** Asks for a reset link. The confirmation is the same whether or not an account has the
 * address: the page must not tell a stranger who has an account. */
export function ForgotPasswordForm() {
  const t = useTranslations("accountPlans.account");
  const [state, setState] = useState<"idle" | "busy" | "sent">("idle");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setState("busy");
    setError(null);
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    try {
      const response = await fetch("/bff/auth/password-reset/request", {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ email }),
      });
      if (response.ok) {
        setState("sent");
        return;
      }
      setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("unreachable"));
    }
    setState("idle");
  }

  if (state === "sent") {
    return (
      <Alert color="green" title={t("resetSentTitle")} role="status">
        {t("resetSent")}
      </Alert>
    );
  }
  return (
    <form onSubmit={submit}>
      <Stack>
        {error && (
          <Alert color="red" title={t("failed")} role="alert">
            {error}
          </Alert>
        )}
        <TextInput name="email" type="email" label={t("email")} required autoComplete="email" />
        <Button type="submit" loading={state === "busy"}>
          {t("sendLink")}
        </Button>
      </Stack>
    </form>
  );
}
