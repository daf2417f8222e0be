import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { Suspense } from "react";

import { AuthCard } from "@/components/shell/AuthCard";
import { AuthForm } from "@/components/shell/AuthForm";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("login") };
}

export default async function LoginPage() {
  const t = await getTranslations("auth");
  const ta = await getTranslations("accountPlans.account");
  return (
    <AuthCard title={t("loginTitle")} footer={t("noAccount")} footerLink={{ href: "/signup", label: t("toSignup") }}>
      <Suspense>
        <AuthForm mode="login" />
      </Suspense>
      <p style={{ marginTop: "1rem", marginBottom: 0, fontSize: "0.875rem" }}>
        <Link className="link" href="/forgot-password">
          {ta("forgotLink")}
        </Link>
      </p>
    </AuthCard>
  );
}
