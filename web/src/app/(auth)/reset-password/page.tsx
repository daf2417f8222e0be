import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { ResetPasswordForm } from "@/components/account/ResetPasswordForm";
import { AuthCard } from "@/components/shell/AuthCard";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("accountPlans.account"))("resetTitle") };
}

export default async function Page() {
  const t = await getTranslations("accountPlans.account");
  return (
    <AuthCard title={t("resetTitle")} footer={t("remembered")} footerLink={{ href: "/login", label: t("toLogin") }}>
      <ResetPasswordForm />
    </AuthCard>
  );
}
