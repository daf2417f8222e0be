"use client";

import { Alert, Badge, Box, Button, Group, NativeSelect, Stack, Table, TableTbody, TableTd, TableTh, TableThead, TableTr, Text, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

import { KitDiff } from "./KitDiff";
import type { KitChange } from "./diff";

type Version = components["schemas"]["BrandKitVersionOut"];
type Diff = components["schemas"]["BrandKitDiffOut"];

const REASON_COLOURS = { learned: "grape", edited: "blue", rollback: "orange" } as const;

/** The kit's versions (who, when, why, learned / edited / rolled back), a diff between any two
 * of them, and a rollback to an earlier one (which becomes a new version equal to it). */
export function BrandVersions(props: { versions: Version[]; current: number | null; people: Record<string, string>; canEdit: boolean }) {
  const t = useTranslations("brandLearning");
  const format = useFormatter();
  const router = useRouter();
  const newest = props.versions[0]?.number ?? 0;
  const [from, setFrom] = useState(String(Math.max(newest - 1, 0)));
  const [to, setTo] = useState(String(newest));
  const [diff, setDiff] = useState<Diff | null>(
    props.versions[0] ? { from_version: Math.max(newest - 1, 0), to_version: newest, changes: props.versions[0].changes } : null,
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const latestChanges = props.versions[0]?.changes;

  // A new version (accepted, rolled back, saved) arrived with the refreshed page: compare it
  // with the one before, as on first load.
  useEffect(() => {
    setFrom(String(Math.max(newest - 1, 0)));
    setTo(String(newest));
    setDiff(latestChanges ? { from_version: Math.max(newest - 1, 0), to_version: newest, changes: latestChanges } : null);
  }, [newest, latestChanges]);

  async function compare() {
    setBusy("compare");
    setError(null);
    try {
      const response = await fetch(`/api/v1/brand/diff?${new URLSearchParams({ from, to }).toString()}`);
      if (response.ok) setDiff((await response.json()) as Diff);
      else setError((await problemMessage(response)) ?? t("failed"));
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  async function rollback(number: number) {
    setBusy(`rollback-${number}`);
    setError(null);
    setNotice(null);
    try {
      const response = await fetch(`/api/v1/brand/versions/${number}/rollback`, { method: "POST", headers: csrfHeaders() });
      if (response.ok) {
        const made = (await response.json()) as Version;
        setConfirming(null);
        setNotice(t("rolledBack", { number, version: made.number }));
        setDiff({ from_version: Math.max(made.number - 1, 0), to_version: made.number, changes: made.changes });
        setFrom(String(Math.max(made.number - 1, 0)));
        setTo(String(made.number));
        router.refresh();
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(null);
  }

  const options = [...props.versions.map((version) => ({ value: String(version.number), label: t("versionOption", { number: version.number }) })), { value: "0", label: t("defaultKit") }];
  const who = (id: string | null) => (id ? (props.people[id] ?? t("someone")) : t("system"));

  return (
    <Stack component="section" aria-labelledby="versions-heading" data-testid="brand-versions">
      <Title order={2} size="h4" id="versions-heading">
        {t("versions")}
      </Title>
      <Text size="sm">{t("versionsExplain")}</Text>
      <div role="status" aria-live="polite">
        {notice && (
          <Alert color="green" data-testid="versions-notice">
            {notice}
          </Alert>
        )}
      </div>
      {props.versions.length === 0 ? (
        <Text size="sm" data-testid="versions-empty">
          {t("noVersions")}
        </Text>
      ) : (
        <Table data-testid="versions-table" verticalSpacing={4} striped>
          <TableThead>
            <TableTr>
              <TableTh>{t("version")}</TableTh>
              <TableTh>{t("why")}</TableTh>
              <TableTh>{t("who")}</TableTh>
              <TableTh>{t("when")}</TableTh>
              <TableTh>{t("note")}</TableTh>
              {props.canEdit && <TableTh>{t("actions")}</TableTh>}
            </TableTr>
          </TableThead>
          <TableTbody>
            {props.versions.map((version) => {
              const current = version.number === props.current;
              return (
                <TableTr key={version.number} data-testid="version-row" data-number={version.number} data-reason={version.reason}>
                  <TableTd style={{ whiteSpace: "nowrap" }}>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={700}>
                        {version.number}
                      </Text>
                      {current && (
                        <Badge size="sm" variant="outline" color="green" c="dark.9" style={{ flexShrink: 0, maxWidth: "none" }}>
                          {t("current")}
                        </Badge>
                      )}
                    </Group>
                  </TableTd>
                  <TableTd style={{ whiteSpace: "nowrap" }}>
                    {/* A dot and words (a badge's capitals were cut short in this column). */}
                    <Group gap={6} wrap="nowrap">
                      <Box aria-hidden w={8} h={8} style={{ flexShrink: 0, borderRadius: 4, background: `var(--mantine-color-${REASON_COLOURS[version.reason]}-6)` }} />
                      <Text size="sm">
                        {version.reason === "rollback" && version.restored_from !== null
                          ? t("reason.rollbackTo", { number: version.restored_from })
                          : t(`reason.${version.reason}`)}
                      </Text>
                    </Group>
                  </TableTd>
                  <TableTd>
                    <Text size="sm">{who(version.created_by)}</Text>
                  </TableTd>
                  <TableTd>
                    <Text size="sm">{format.dateTime(new Date(version.created_at), { dateStyle: "medium", timeStyle: "short" })}</Text>
                  </TableTd>
                  <TableTd>
                    <Text size="sm">{version.note ?? t("changeCount", { count: version.changes.length })}</Text>
                  </TableTd>
                  {props.canEdit && (
                    <TableTd>
                      {current ? null : confirming === version.number ? (
                        <Group gap={4} wrap="nowrap">
                          <Button size="compact-sm" color="orange" onClick={() => rollback(version.number)} loading={busy === `rollback-${version.number}`}>
                            {t("confirmRollback", { number: version.number })}
                          </Button>
                          <Button size="compact-sm" variant="default" onClick={() => setConfirming(null)} disabled={busy !== null}>
                            {t("back")}
                          </Button>
                        </Group>
                      ) : (
                        <Button size="compact-sm" variant="default" onClick={() => setConfirming(version.number)} disabled={busy !== null} aria-label={t("rollbackTo", { number: version.number })}>
                          {t("rollback")}
                        </Button>
                      )}
                    </TableTd>
                  )}
                </TableTr>
              );
            })}
          </TableTbody>
        </Table>
      )}
      {props.versions.length > 0 && (
        <Stack gap="xs">
          <Group align="end" gap="xs">
            <NativeSelect label={t("compareFrom")} value={from} onChange={(event) => setFrom(event.currentTarget.value)} data={options} />
            <NativeSelect label={t("compareTo")} value={to} onChange={(event) => setTo(event.currentTarget.value)} data={options} />
            <Button variant="default" onClick={compare} loading={busy === "compare"} disabled={busy !== null}>
              {t("compare")}
            </Button>
          </Group>
          {diff && <KitDiff changes={diff.changes as KitChange[]} caption={t("diffCaption", { from: diff.from_version, to: diff.to_version })} />}
        </Stack>
      )}
      {error && (
        <Alert color="red" role="alert" title={t("failed")} data-testid="versions-error">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
