import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { VerifyEmail } from "@/components/account/VerifyEmail";
import { AuthCard } from "@/components/shell/AuthCard";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("accountPlans.account"))("verifyTitle") };
}

export default async function Page() {
  const t = await getTranslations("accountPlans.account");
  return (
    <AuthCard title={t("verifyTitle")} footer={t("verifyFooter")} footerLink={{ href: "/login", label: t("toLogin") }}>
      <VerifyEmail />
    </AuthCard>
  );
}
