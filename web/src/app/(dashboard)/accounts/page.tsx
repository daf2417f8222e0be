import { Alert, Stack, Text } from "@mantine/core";
import type { Metadata } from "next";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";

import type { components } from "@/api/schema";
import { must, serverApi } from "@/api/server";
import { ConnectButtons, DisconnectButton } from "@/components/accounts/AccountActions";
import { PostLinkSettings } from "@/components/blog-links/PostLinkSettings";
import { DataTable } from "@/components/ui/DataTable";
import { PageTitle } from "@/components/ui/PageTitle";
import { StatusBadge } from "@/components/ui/StatusBadge";
import { atLeast } from "@/lib/roles";

type Quota = components["schemas"]["AccountQuotaOut"];

const SOON_MS = 3 * 24 * 3600 * 1000;

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("posting.accounts"))("title") };
}

export default async function AccountsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const search = await props.searchParams;
  const api = await serverApi();
  const t = await getTranslations("posting.accounts");
  const tp = await getTranslations("posting.platform");
  const ts = await getTranslations();
  const tb = await getTranslations("blogLinks.tokens");
  const format = await getFormatter();
  const timeZone = await getTimeZone();
  const [me, accounts, links] = await Promise.all([
    must(api.GET("/api/v1/me")),
    must(api.GET("/api/v1/accounts", { params: { query: { limit: 200 } } })),
    must(api.GET("/api/v1/post-links")),
  ]);
  const canEdit = me.role !== "viewer";
  const quotas = new Map<string, Quota>();
  await Promise.all(
    accounts
      .filter((account) => account.status !== "disconnected")
      .map(async (account) => {
        const { data } = await api.GET("/api/v1/accounts/{account_id}/quota", { params: { path: { account_id: account.id } } });
        if (data) quotas.set(account.id, data);
      }),
  );
  const at = (value: string) => format.dateTime(new Date(value), { dateStyle: "medium", timeStyle: "short", timeZone });
  const now = Date.now();
  const connected = typeof search.connected === "string" ? search.connected.split(",").filter(Boolean) : [];
  const failure = typeof search.connect_error === "string" ? search.connect_error : null;

  function health(account: (typeof accounts)[number]) {
    const expires = account.token_expires_at ? Date.parse(account.token_expires_at) : null;
    return (
      <Stack gap={2}>
        <StatusBadge status={account.status} label={ts(`accountStatus.${account.status}`)} />
        {account.status !== "disconnected" && account.can_refresh && (
          // A short-lived token (X: two hours) with a refresh token renews itself before use:
          // its expiry is no reason to reconnect.
          <Text size="xs" data-testid="token-health">
            {tb("refreshes")}
            {expires !== null && expires > now ? ` · ${tb("currentUntil", { when: at(account.token_expires_at!) })}` : ""}
          </Text>
        )}
        {account.status !== "disconnected" && !account.can_refresh && (
          <Text size="xs" data-testid="token-health">
            {expires === null
              ? t("noExpiry")
              : expires < now
                ? t("expired", { when: at(account.token_expires_at!) })
                : expires - now < SOON_MS
                  ? tb("expiresSoonReconnect", { when: at(account.token_expires_at!) })
                  : t("expires", { when: at(account.token_expires_at!) })}
          </Text>
        )}
        {account.last_refreshed_at && <Text size="xs">{t("refreshed", { when: at(account.last_refreshed_at) })}</Text>}
        {account.status_reason && (
          <Text size="xs" c="red.9">
            {t("lastError", { reason: account.status_reason })}
          </Text>
        )}
      </Stack>
    );
  }

  function quota(accountId: string) {
    const left = quotas.get(accountId);
    if (!left) return <Text size="xs">—</Text>;
    return (
      <Stack gap={2} data-testid="quota">
        {left.windows.length === 0 && <Text size="xs">{t("pacedByUsage")}</Text>}
        {left.windows.map((window) => (
          <Text key={window.label} size="xs">
            {t("window", {
              remaining: window.remaining,
              limit: window.limit,
              span: window.span_s % 3600 === 0 ? t("spanHours", { n: window.span_s / 3600 }) : t("spanMinutes", { n: Math.round(window.span_s / 60) }),
            })}
            {window.frees_at && window.remaining === 0 ? ` · ${t("frees", { when: at(window.frees_at) })}` : ""}
          </Text>
        ))}
        {left.usage_percent !== null && left.usage_percent !== undefined && <Text size="xs">{t("usage", { percent: Math.round(left.usage_percent) })}</Text>}
        {left.next_slot_at && (
          <Text size="xs">
            {t("waitUntil", { when: at(left.next_slot_at) })} {left.next_slot_reason ?? ""}
          </Text>
        )}
      </Stack>
    );
  }

  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <Stack gap="md">
        {connected.length > 0 && (
          <Alert color="green" title={t("connectedTitle")} data-testid="connected-notice">
            {t("connectedBody", { platforms: connected.map((p) => (["facebook", "instagram", "threads", "x"].includes(p) ? tp(p as "x") : p)).join(", ") })}
          </Alert>
        )}
        {failure && (
          <Alert color="red" title={t("connectFailed")} role="alert">
            {failure}
          </Alert>
        )}
        {canEdit && <ConnectButtons />}
        <DataTable
          caption={t("title")}
          empty={t("empty")}
          headers={[t("name"), t("platform"), t("health"), t("quota"), ...(canEdit ? [t("actions")] : [])]}
          rows={accounts.map((account) => [
            account.name,
            tp(account.platform as "x"),
            health(account),
            account.status === "disconnected" ? "—" : quota(account.id),
            ...(canEdit ? [account.status === "disconnected" ? "" : <DisconnectButton key="d" accountId={account.id} name={account.name} />] : []),
          ])}
        />
        <PostLinkSettings links={links} canEdit={atLeast(me.role, "admin")} />
      </Stack>
    </>
  );
}
