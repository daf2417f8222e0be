"use client";

import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { COMPANY_NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/api/rules";
import { csrfHeaders, problemMessage } from "@/lib/browser";

function nextPath(raw: string | null): string {
  return raw && raw.startsWith("/") && !raw.startsWith("//") ? raw : "/";
}

/** Log in or sign up through the BFF: the answer sets httpOnly cookies; the page never
 * holds a token. */
export function AuthForm({ mode }: { mode: "login" | "signup" }) {
  const t = useTranslations("auth");
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    const body: Record<string, string> = {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    if (mode === "signup") {
      body.company_name = String(form.get("company_name") ?? "");
      const name = String(form.get("display_name") ?? "").trim();
      if (name) body.display_name = name;
    }
    try {
      const response = await fetch(`/bff/auth/${mode}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        router.replace(nextPath(params.get("next")));
        router.refresh();
        return;
      }
      setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("unreachable"));
    }
    setBusy(false);
  }

  return (
    <form onSubmit={submit} noValidate={false}>
      <Stack>
        {error && (
          <Alert color="red" title={t("failed")} role="alert">
            {error}
          </Alert>
        )}
        {mode === "signup" && (
          <TextInput
            name="company_name"
            label={t("companyName")}
            required
            maxLength={COMPANY_NAME_MAX_LENGTH}
            autoComplete="organization"
          />
        )}
        {mode === "signup" && (
          <TextInput
            name="display_name"
            label={`${t("displayName")} (${t("optional")})`}
            autoComplete="name"
            maxLength={200}
          />
        )}
        <TextInput name="email" type="email" label={t("email")} required autoComplete="email" />
        <PasswordInput
          name="password"
          label={t("password")}
          required
          minLength={mode === "signup" ? PASSWORD_MIN_LENGTH : 1}
          maxLength={PASSWORD_MAX_LENGTH}
          description={
            mode === "signup" ? t("passwordRule", { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }) : undefined
          }
          autoComplete={mode === "signup" ? "new-password" : "current-password"}
        />
        <Button type="submit" loading={busy}>
          {mode === "signup" ? t("signup") : t("login")}
        </Button>
      </Stack>
    </form>
  );
}
