import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";

import { must, serverApi } from "@/api/server";
import { Shell } from "@/components/shell/Shell";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const api = await serverApi();
  const me = await must(api.GET("/api/v1/me"));
  const t = await getTranslations("nav");
  const who = t("signedInAs", { email: me.user?.email ?? "API key", role: me.role });
  return (
    <Shell who={who} company={me.tenant.company_name}>
      {children}
    </Shell>
  );
}
