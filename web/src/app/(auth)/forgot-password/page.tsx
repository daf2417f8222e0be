import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { ForgotPasswordForm } from "@/components/account/ForgotPasswordForm";
import { AuthCard } from "@/components/shell/AuthCard";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("accountPlans.account"))("forgotTitle") };
}

export default async function Page() {
  const t = await getTranslations("accountPlans.account");
  return (
    <AuthCard title={t("forgotTitle")} footer={t("remembered")} footerLink={{ href: "/login", label: t("toLogin") }}>
      <ForgotPasswordForm />
    </AuthCard>
  );
}
