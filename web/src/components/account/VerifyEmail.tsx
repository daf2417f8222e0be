"use client";

import { Alert, Anchor, Loader, Stack } from "@mantine/core";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";

import { csrfHeaders } from "@/lib/browser";

import { problemCode, takeLinkToken } from "./linkToken";

type Outcome = { kind: "checking" } | { kind: "verified" } | { kind: "invalid" } | { kind: "missing" } | { kind: "failed"; message: string };

/** Confirms the address as soon as the page opens: the token is in the fragment, so only a
 * browser that runs this page (not a mail scanner fetching the URL) can use the link. */
export function VerifyEmail() {
  const t = useTranslations("accountPlans.account");
  const [outcome, setOutcome] = useState<Outcome>({ kind: "checking" });
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // a link works once: never send it twice
    started.current = true;
    const token = takeLinkToken();
    if (!token) {
      setOutcome({ kind: "missing" });
      return;
    }
    void (async () => {
      try {
        const response = await fetch("/bff/auth/verify-email", {
          method: "POST",
          headers: { "content-type": "application/json", ...csrfHeaders() },
          body: JSON.stringify({ token }),
        });
        if (response.ok) return setOutcome({ kind: "verified" });
        const { code, detail } = await problemCode(response);
        setOutcome(code === "invalid_token" ? { kind: "invalid" } : { kind: "failed", message: detail ?? t("failed") });
      } catch {
        setOutcome({ kind: "failed", message: t("unreachable") });
      }
    })();
  }, [t]);

  const home = (
    <Anchor component={Link} href="/" c="inherit" underline="always" fw={600}>
      {t("toDashboard")}
    </Anchor>
  );
  switch (outcome.kind) {
    case "checking":
      return (
        <Stack align="center" role="status" aria-live="polite">
          <Loader size="sm" aria-hidden />
          {t("verifying")}
        </Stack>
      );
    case "verified":
      return (
        <Alert color="green" title={t("verifiedTitle")} role="status">
          {t("verified")} {home}
        </Alert>
      );
    case "invalid":
      return (
        <Alert color="red" title={t("linkInvalidTitle")} role="alert">
          {t("verifyLinkInvalid")} {home}
        </Alert>
      );
    case "missing":
      return (
        <Alert color="red" title={t("linkMissingTitle")} role="alert">
          {t("linkMissing")}
        </Alert>
      );
    case "failed":
      return (
        <Alert color="red" title={t("failed")} role="alert">
          {outcome.message}
        </Alert>
      );
  }
}
