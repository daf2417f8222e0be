"use client";

import { Alert, Button, Code, CopyButton, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type ApiKey = components["schemas"]["ApiKeyOut"];
type Created = components["schemas"]["ApiKeyCreated"];

/** Keys for scripts and other machines: create (the secret is shown once), list, revoke. */
export function ApiKeys(props: { keys: ApiKey[] }) {
  const t = useTranslations("workspace.apiKeys");
  const tr = useTranslations("workspace.roles");
  const format = useFormatter();
  const router = useRouter();
  const [name, setName] = useState("");
  const [role, setRole] = useState<string>("editor");
  const [days, setDays] = useState<number | string>("");
  const [created, setCreated] = useState<Created | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy("create");
    setError(null);
    setCreated(null);
    try {
      const response = await fetch("/api/v1/api-keys", {
        method: "POST",
        headers: { "content-type": "application/json", ...csrfHeaders() },
        body: JSON.stringify({ name: name.trim(), role, expires_in_days: typeof days === "number" ? days : null }),
      });
      if (response.ok) {
        setCreated((await response.json()) as Created);
        setName("");
        router.refresh();
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  async function revoke(id: string) {
    setBusy(id);
    setError(null);
    const response = await fetch(`/api/v1/api-keys/${id}`, { method: "DELETE", headers: csrfHeaders() });
    if (response.ok) {
      if (created?.id === id) setCreated(null);
      router.refresh();
    } else {
      setError((await problemMessage(response)) ?? t("failed"));
    }
    setBusy(null);
  }

  const when = (value: string | null | undefined) => (value ? format.dateTime(new Date(value), { dateStyle: "medium" }) : t("never"));

  return (
    <Stack component="section" aria-labelledby="keys-heading">
      <Title order={2} size="h4" id="keys-heading">
        {t("title")}
      </Title>
      <form onSubmit={create}>
        <Group align="flex-end">
          <TextInput label={t("name")} value={name} onChange={(event) => setName(event.currentTarget.value)} maxLength={100} required />
          <Select label={t("role")} data={["viewer", "editor", "admin"].map((value) => ({ value, label: tr(value) }))} value={role} onChange={(value) => setRole(value ?? "editor")} allowDeselect={false} w={140} />
          <NumberInput label={t("expires")} value={days} onChange={setDays} min={1} max={3650} w={160} placeholder={t("noExpiry")} hideControls />
          <Button type="submit" loading={busy === "create"} disabled={!name.trim()}>
            {t("create")}
          </Button>
        </Group>
      </form>
      {created && (
        <Alert color="yellow.9" variant="light" title={t("createdTitle", { name: created.name })} data-testid="api-key-secret" role="status">
          <Stack gap="xs">
            <Text size="sm">{t("shownOnce")}</Text>
            <Code block>{created.key}</Code>
            <Group>
              <CopyButton value={created.key}>
                {({ copied, copy }) => (
                  <Button size="compact-sm" variant="default" onClick={copy}>
                    {copied ? t("copied") : t("copy")}
                  </Button>
                )}
              </CopyButton>
              <Button size="compact-sm" variant="subtle" onClick={() => setCreated(null)}>
                {t("dismiss")}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {props.keys.length === 0 ? (
        <Text size="sm">{t("empty")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="api-keys">
            <caption className="visually-hidden">{t("title")}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("name")}</Table.Th>
                <Table.Th scope="col">{t("role")}</Table.Th>
                <Table.Th scope="col">{t("hint")}</Table.Th>
                <Table.Th scope="col">{t("createdAt")}</Table.Th>
                <Table.Th scope="col">{t("expiresAt")}</Table.Th>
                <Table.Th scope="col">{t("lastUsed")}</Table.Th>
                <Table.Th scope="col">{t("actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.keys.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>{tr(key.role)}</Table.Td>
                  <Table.Td>
                    <code>…{key.hint}</code>
                  </Table.Td>
                  <Table.Td>{when(key.created_at)}</Table.Td>
                  <Table.Td>{when(key.expires_at)}</Table.Td>
                  <Table.Td>{when(key.last_used_at)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" color="red.8" variant="outline" onClick={() => revoke(key.id)} loading={busy === key.id} aria-label={t("revokeOne", { name: key.name })}>
                      {t("revoke")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
