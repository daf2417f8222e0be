"use client";

import { Alert, Anchor, Button, PasswordInput, Stack, Text } from "@mantine/core";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useState, type FormEvent } from "react";

import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/api/rules";
import { csrfHeaders } from "@/lib/browser";

import { problemCode, takeLinkToken } from "./linkToken";

/** A new password for the account the e-mailed link names. The API ends every session of the
 * account and the BFF clears this browser's cookies: the next step is logging in. */
export function ResetPasswordForm() {
  const t = useTranslations("accountPlans.account");
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [state, setState] = useState<"idle" | "busy" | "done">("idle");
  const [error, setError] = useState<{ invalidLink: boolean; message: string } | null>(null);

  useEffect(() => setToken(takeLinkToken()), []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("confirm") ?? "")) {
      setError({ invalidLink: false, message: t("mismatch") });
      return;
    }
    setState("busy");
    setError(null);
    try {
      const response = await fetch("/bff/auth/password-reset", {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ token, new_password: password }),
      });
      if (response.ok) {
        setState("done");
        return;
      }
      const { code, detail } = await problemCode(response);
      setError(
        code === "invalid_token"
          ? { invalidLink: true, message: t("linkInvalid") }
          : { invalidLink: false, message: detail ?? t("failed") },
      );
    } catch {
      setError({ invalidLink: false, message: t("unreachable") });
    }
    setState("idle");
  }

  if (token === undefined) return null;
  if (token === null) {
    return (
      <Alert color="red" title={t("linkMissingTitle")} role="alert">
        {t("linkMissing")}{" "}
        <Anchor component={Link} href="/forgot-password" c="inherit" underline="always" fw={600}>
          {t("askAgain")}
        </Anchor>
      </Alert>
    );
  }
  if (state === "done") {
    return (
      <Alert color="green" title={t("resetDoneTitle")} role="status">
        <Text size="sm">{t("resetDone")}</Text>
        <Anchor component={Link} href="/login" c="inherit" underline="always" fw={600}>
          {t("toLogin")}
        </Anchor>
      </Alert>
    );
  }
  return (
    <form onSubmit={submit}>
      <Stack>
        {error && (
          <Alert color="red" title={error.invalidLink ? t("linkInvalidTitle") : t("failed")} role="alert">
            {error.message}{" "}
            {error.invalidLink && (
              <Anchor component={Link} href="/forgot-password" c="inherit" underline="always" fw={600}>
                {t("askAgain")}
              </Anchor>
            )}
          </Alert>
        )}
        <PasswordInput
          name="password"
          label={t("newPassword")}
          required
          minLength={PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_LENGTH}
          description={t("passwordRule", { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })}
          autoComplete="new-password"
        />
        <PasswordInput
          name="confirm"
          label={t("confirmPassword")}
          required
          minLength={PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_LENGTH}
          autoComplete="new-password"
        />
        <Button type="submit" loading={state === "busy"}>
          {t("setPassword")}
        </Button>
      </Stack>
    </form>
  );
}
