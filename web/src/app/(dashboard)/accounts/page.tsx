import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";
import { StatusBadge } from "@/components/ui/StatusBadge";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("accounts"))("title") };
}

export default async function AccountsPage() {
  const api = await serverApi();
  const t = await getTranslations("accounts");
  const ts = await getTranslations();
  const format = await getFormatter();
  const accounts = await must(api.GET("/api/v1/accounts"));
  return (
    <>
      <PageTitle title={t("title")} />
      <DataTable
        caption={t("title")}
        empty={t("empty")}
        headers={[t("name"), t("platform"), t("status"), t("tokenExpires")]}
        rows={accounts.map((account) => [
          account.name,
          account.platform,
          <StatusBadge key="s" status={account.status} label={ts(`accountStatus.${account.status}`)} />,
          account.token_expires_at
            ? format.dateTime(new Date(account.token_expires_at), { dateStyle: "medium", timeStyle: "short" })
            : t("never"),
        ])}
      />
    </>
  );
}
