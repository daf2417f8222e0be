import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Suspense } from "react";

import { AuthCard } from "@/components/shell/AuthCard";
import { AuthForm } from "@/components/shell/AuthForm";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signup") };
}

export default async function SignupPage() {
  const t = await getTranslations("auth");
  return (
    <AuthCard title={t("signupTitle")} footer={t("haveAccount")} footerLink={{ href: "/login", label: t("toLogin") }}>
      <Suspense>
        <AuthForm mode="signup" />
      </Suspense>
    </AuthCard>
  );
}
