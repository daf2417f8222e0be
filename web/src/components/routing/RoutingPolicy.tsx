"use client";

import { Alert, Badge, Button, Card, Group, NativeSelect, Stack, Text } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import type { components } from "@/api/schema";
import { csrfHeaders, problemMessage } from "@/lib/browser";

import { choicesOf, keyOf, moved, tuningOf, type Choice } from "./choices";

type Route = components["schemas"]["TaskRouteOut"];
type Mode = Route["mode"];
const MODES: Mode[] = ["ordered", "best_judged"];

/** The routing policy per task (`GET /llm/routing`), and for owners and admins an editor per
 * task: the models to try in order, chosen from those the API lists, and the mode; saved with
 * `PUT /llm/routing/{task}`, back to the platform's with `DELETE`. The API is the authority
 * (an unknown provider, best_judged outside a contest's pool): its refusal is shown. */
export function RoutingPolicy({ routes, canEdit }: { routes: Route[]; canEdit: boolean }) {
  const t = useTranslations("review.routing");
  const choices = choicesOf(routes, t("notConfigured"));
  return (
    <Stack gap="sm" data-testid="routing-policy">
      {routes.map((route) => (
        <TaskRoute key={route.task} route={route} choices={choices} canEdit={canEdit} />
      ))}
      {routes.length === 0 && <Text>{t("none")}</Text>}
    </Stack>
  );
}

function TaskRoute({ route, choices, canEdit }: { route: Route; choices: Choice[]; canEdit: boolean }) {
  const t = useTranslations("review.routing");
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [list, setList] = useState<string[]>(route.candidates.map(keyOf));
  const [mode, setMode] = useState<Mode>(route.mode);
  const [adding, setAdding] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const label = (key: string) => choices.find((choice) => choice.key === key)?.label ?? key;
  const headingId = `route-${route.task.replace(/\W/g, "-")}`;

  async function send(method: "PUT" | "DELETE") {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const body = {
        candidates: list.map((key) => {
          const [provider, ...model] = key.split("/");
          // A model the task already had keeps its own tuning (its temperature…).
          return { provider: provider ?? "", model: model.join("/"), ...tuningOf(route.candidates.find((c) => keyOf(c) === key)) };
        }),
        mode,
      };
      const response = await fetch(`/api/v1/llm/routing/${encodeURIComponent(route.task)}`, {
        method,
        headers: { ...(method === "PUT" ? { "content-type": "application/json" } : {}), ...csrfHeaders() },
        ...(method === "PUT" ? { body: JSON.stringify(body) } : {}),
      });
      if (response.ok) {
        setEditing(false);
        setDone(method === "PUT" ? t("saved") : t("resetDone"));
        router.refresh();
      } else {
        setError((await problemMessage(response)) ?? t("failed"));
      }
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  function start() {
    setList(route.candidates.map(keyOf));
    setMode(route.mode);
    setAdding("");
    setError(null);
    setDone(null);
    setEditing(true);
  }

  const addable = choices.filter((choice) => !list.includes(choice.key));
  return (
    <Card withBorder padding="sm" component="section" aria-labelledby={headingId} data-testid="task-route" data-task={route.task}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Text fw={700} id={headingId}>
            <code>{route.task}</code>
          </Text>
          <Group gap="xs">
            <Badge variant="light" color="gray">
              {t(`mode.${route.mode}`)}
            </Badge>
            <Text size="sm">{route.overridden ? t("workspace") : t("platform")}</Text>
          </Group>
        </Stack>
        {canEdit && !editing && (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={start} aria-label={t("changeTask", { task: route.task })}>
              {t("change")}
            </Button>
            {route.overridden && (
              <Button size="xs" variant="subtle" onClick={() => send("DELETE")} loading={busy} aria-label={t("resetTask", { task: route.task })}>
                {t("reset")}
              </Button>
            )}
          </Group>
        )}
      </Group>
      {!editing ? (
        <ol className="route-candidates">
          {route.candidates.map((candidate) => (
            <li key={keyOf(candidate)}>
              {candidate.provider}/{candidate.model}
              {!candidate.configured && ` (${t("notConfigured")})`}
            </li>
          ))}
        </ol>
      ) : (
        <Stack gap="xs" mt="sm">
          <ol className="route-candidates" aria-label={t("order", { task: route.task })}>
            {list.map((key, index) => (
              <li key={key}>
                <Group gap="xs" wrap="nowrap">
                  <Text size="sm" style={{ flex: 1 }}>
                    {label(key)}
                  </Text>
                  <Button size="compact-xs" variant="default" disabled={index === 0} onClick={() => setList(moved(list, index, -1))} aria-label={t("up", { model: key })}>
                    ↑
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="default"
                    disabled={index === list.length - 1}
                    onClick={() => setList(moved(list, index, 1))}
                    aria-label={t("down", { model: key })}
                  >
                    ↓
                  </Button>
                  <Button size="compact-xs" variant="default" onClick={() => setList(list.filter((item) => item !== key))} aria-label={t("remove", { model: key })}>
                    ✕
                  </Button>
                </Group>
              </li>
            ))}
          </ol>
          {addable.length > 0 && (
            <Group gap="xs" align="flex-end">
              <NativeSelect
                label={t("add")}
                value={adding}
                onChange={(event) => setAdding(event.currentTarget.value)}
                data={[{ value: "", label: t("pick") }, ...addable.map((choice) => ({ value: choice.key, label: choice.label }))]}
              />
              <Button
                variant="default"
                disabled={!adding}
                onClick={() => {
                  setList([...list, adding]);
                  setAdding("");
                }}
              >
                {t("addButton")}
              </Button>
            </Group>
          )}
          <NativeSelect
            label={t("modeLabel")}
            description={t("modeHint")}
            value={mode}
            onChange={(event) => setMode(event.currentTarget.value as Mode)}
            data={MODES.map((value) => ({ value, label: t(`mode.${value}`) }))}
          />
          <Group gap="xs">
            <Button onClick={() => send("PUT")} loading={busy} disabled={list.length === 0}>
              {t("save")}
            </Button>
            <Button variant="default" onClick={() => setEditing(false)} disabled={busy}>
              {t("cancel")}
            </Button>
          </Group>
          {list.length === 0 && <Text size="sm">{t("empty")}</Text>}
        </Stack>
      )}
      {error && (
        <Alert color="red" role="alert" title={t("refused")} mt="xs">
          {error}
        </Alert>
      )}
      {done && (
        <Text size="sm" role="status" mt="xs">
          {done}
        </Text>
      )}
    </Card>
  );
}
