import { Divider, Stack, Text } from "@mantine/core";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { must, serverApi } from "@/api/server";
import { BlogAddress } from "@/components/blog-links/BlogAddress";
import { ApiKeys } from "@/components/settings/ApiKeys";
import { AUDIT_PAGE, AuditLog } from "@/components/settings/AuditLog";
import { Members } from "@/components/settings/Members";
import { TimeZoneSetting } from "@/components/tenant/TimeZoneSetting";
import { WebhookSetting } from "@/components/tenant/WebhookSetting";
import { PageTitle } from "@/components/ui/PageTitle";
import { atLeast } from "@/lib/roles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("workspace.settings"))("title") };
}

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

export default async function SettingsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const search = await props.searchParams;
  const action = first(search.action).trim().slice(0, 64);
  const page = Math.max(1, Math.min(10_000, Number.parseInt(first(search.page), 10) || 1));
  const api = await serverApi();
  const t = await getTranslations("workspace.settings");
  const [me, users, blog] = await Promise.all([
    must(api.GET("/api/v1/me")),
    must(api.GET("/api/v1/users", { params: { query: { limit: 200 } } })),
    must(api.GET("/api/v1/blog")),
  ]);
  const admin = atLeast(me.role, "admin");
  // Keys, invitations and the audit log are the admins' (the API answers 403 to others).
  const [keys, invitations, events, webhook] = admin
    ? await Promise.all([
        must(api.GET("/api/v1/api-keys", { params: { query: { limit: 200 } } })),
        must(api.GET("/api/v1/invitations", { params: { query: { limit: 200 } } })),
        must(
          api.GET("/api/v1/audit-log", {
            params: { query: { limit: AUDIT_PAGE + 1, offset: (page - 1) * AUDIT_PAGE, ...(action ? { action } : {}) } },
          }),
        ),
        must(api.GET("/api/v1/notifications/webhook")),
      ])
    : [null, null, null, null];
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <Stack gap="xl">
        <TimeZoneSetting zone={me.tenant.time_zone} canEdit={admin} />
        <Divider />
        <Members users={users} invitations={invitations} canManage={admin} selfId={me.user?.id ?? null} isOwner={me.role === "owner"} />
        <Divider />
        <BlogAddress blog={blog} canEdit={admin} />
        <Divider />
        {admin && keys && events && webhook ? (
          <>
            <WebhookSetting webhook={webhook} />
            <Divider />
            <ApiKeys keys={keys} />
            <Divider />
            <AuditLog events={events.slice(0, AUDIT_PAGE)} action={action} page={page} more={events.length > AUDIT_PAGE} />
          </>
        ) : (
          <Text size="sm" data-testid="admins-only">
            {t("adminsOnly")}
          </Text>
        )}
      </Stack>
    </>
  );
}
