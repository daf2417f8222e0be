"use client";

import { Alert, Button, Code, Group, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

type User = components["schemas"]["UserOut"];
type Invitation = components["schemas"]["InvitationOut"];
type InvitationCreated = components["schemas"]["InvitationCreated"];

const ASSIGNABLE = ["viewer", "editor", "admin"] as const;

/** The workspace's members and pending invitations. Only admins change anything (the API
 * refuses others); the owner's role is the owner's to give away. */
export function Members(props: { users: User[]; invitations: Invitation[] | null; canManage: boolean; selfId: string | null; isOwner: boolean }) {
  const t = useTranslations("workspace.members");
  const tr = useTranslations("workspace.roles");
  const format = useFormatter();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<string>("editor");
  const [invited, setInvited] = useState<InvitationCreated | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function call(key: string, url: string, init: RequestInit): Promise<Response | null> {
    setBusy(key);
    setError(null);
    try {
      const response = await fetch(url, { ...init, headers: { "content-type": "application/json", ...csrfHeaders() } });
      if (!response.ok) {
        setError((await problemMessage(response)) ?? t("failed"));
        return null;
      }
      return response;
    } catch {
      setError(t("failed"));
      return null;
    } finally {
      setBusy(null);
    }
  }

  async function invite(event: FormEvent) {
    event.preventDefault();
    const response = await call("invite", "/api/v1/invitations", { method: "POST", body: JSON.stringify({ email: email.trim(), role }) });
    if (response) {
      setInvited((await response.json()) as InvitationCreated);
      setEmail("");
      router.refresh();
    }
  }

  async function changeRole(user: User, next: string | null) {
    if (!next || next === user.role) return;
    if (await call(user.id, `/api/v1/users/${user.id}`, { method: "PATCH", body: JSON.stringify({ role: next }) })) router.refresh();
  }

  async function remove(user: User) {
    if (await call(user.id, `/api/v1/users/${user.id}`, { method: "DELETE" })) router.refresh();
  }

  async function revokeInvitation(invitation: Invitation) {
    if (await call(invitation.id, `/api/v1/invitations/${invitation.id}`, { method: "DELETE" })) router.refresh();
  }

  const roles = (props.isOwner ? [...ASSIGNABLE, "owner"] : ASSIGNABLE).map((value) => ({ value, label: tr(value) }));

  return (
    <Stack component="section" aria-labelledby="members-heading">
      <Title order={2} size="h4" id="members-heading">
        {t("title")}
      </Title>
      <Table.ScrollContainer minWidth={600}>
        <Table striped data-testid="members">
          <caption className="visually-hidden">{t("title")}</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("email")}</Table.Th>
              <Table.Th scope="col">{t("role")}</Table.Th>
              <Table.Th scope="col">{t("status")}</Table.Th>
              <Table.Th scope="col">{t("lastLogin")}</Table.Th>
              {props.canManage && <Table.Th scope="col">{t("actions")}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.users.map((user) => {
              const editable = props.canManage && user.id !== props.selfId && (props.isOwner || user.role !== "owner");
              return (
                <Table.Tr key={user.id}>
                  <Table.Td>
                    {user.email}
                    {user.display_name && (
                      <Text size="xs" c="dimmed">
                        {user.display_name}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {editable ? (
                      <Select
                        aria-label={t("roleOf", { email: user.email })}
                        data={roles}
                        value={user.role}
                        onChange={(next) => changeRole(user, next)}
                        allowDeselect={false}
                        disabled={busy === user.id}
                        w={140}
                      />
                    ) : (
                      tr(user.role)
                    )}
                  </Table.Td>
                  <Table.Td>{t(`statusName.${user.status}`)}</Table.Td>
                  <Table.Td>{user.last_login_at ? format.dateTime(new Date(user.last_login_at), { dateStyle: "medium" }) : t("never")}</Table.Td>
                  {props.canManage && (
                    <Table.Td>
                      {editable && (
                        <Button size="compact-sm" color="red.8" variant="outline" onClick={() => remove(user)} loading={busy === user.id} aria-label={t("removeOne", { email: user.email })}>
                          {t("remove")}
                        </Button>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      {props.canManage && (
        <>
          <Title order={3} size="h5">
            {t("invite")}
          </Title>
          <form onSubmit={invite}>
            <Group align="flex-end">
              <TextInput type="email" label={t("email")} value={email} onChange={(event) => setEmail(event.currentTarget.value)} required w={280} />
              <Select label={t("role")} data={ASSIGNABLE.map((value) => ({ value, label: tr(value) }))} value={role} onChange={(value) => setRole(value ?? "editor")} allowDeselect={false} w={140} />
              <Button type="submit" loading={busy === "invite"} disabled={!email.trim()}>
                {t("send")}
              </Button>
            </Group>
          </form>
          {invited && (
            <Alert color="green" variant="light" title={t("invited", { email: invited.email })} role="status" data-testid="invitation-link">
              <Text size="sm">{t("shareOnce")}</Text>
              <Code block>{invited.accept_url}</Code>
            </Alert>
          )}
          <Title order={3} size="h5">
            {t("pending")}
          </Title>
          {(props.invitations ?? []).length === 0 ? (
            <Text size="sm">{t("noPending")}</Text>
          ) : (
            <Table.ScrollContainer minWidth={480}>
              <Table striped data-testid="invitations">
                <caption className="visually-hidden">{t("pending")}</caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("email")}</Table.Th>
                    <Table.Th scope="col">{t("role")}</Table.Th>
                    <Table.Th scope="col">{t("expires")}</Table.Th>
                    <Table.Th scope="col">{t("actions")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(props.invitations ?? []).map((invitation) => (
                    <Table.Tr key={invitation.id}>
                      <Table.Td>{invitation.email}</Table.Td>
                      <Table.Td>{tr(invitation.role)}</Table.Td>
                      <Table.Td>{format.dateTime(new Date(invitation.expires_at), { dateStyle: "medium" })}</Table.Td>
                      <Table.Td>
                        <Button size="compact-sm" variant="default" onClick={() => revokeInvitation(invitation)} loading={busy === invitation.id} aria-label={t("revokeOne", { email: invitation.email })}>
                          {t("revoke")}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
