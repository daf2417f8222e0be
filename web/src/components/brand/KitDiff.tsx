import { Badge, Group, Stack, Table, TableTbody, TableTd, TableTh, TableThead, TableTr, Text } from "@mantine/core";
import { useTranslations } from "next-intl";

import { diffRows, fieldKey, type KitChange, type Shown } from "./diff";
import { Swatch } from "./Swatches";

const KIND_COLOURS = { added: "green", removed: "red", changed: "blue" } as const;

function Value(props: { shown: Shown; highlight?: string[] }) {
  const t = useTranslations("brandLearning");
  const { shown } = props;
  switch (shown.type) {
    case "none":
      return (
        <Text size="sm" c="dimmed">
          {t("nothing")}
        </Text>
      );
    case "colour":
      return <Swatch hex={shown.hex} size={20} />;
    case "palette":
      return (
        <Group gap={4}>
          {shown.colours.map((hex) => (
            <Swatch key={hex} hex={hex} size={20} />
          ))}
        </Group>
      );
    case "list":
      return (
        <Text size="sm">
          {shown.items.map((item, index) => (
            <span key={`${item}-${index}`}>
              {index > 0 && " · "}
              {props.highlight?.includes(item) ? <strong>{item}</strong> : item}
            </span>
          ))}
        </Text>
      );
    default:
      return (
        <Text size="sm" style={{ wordBreak: "break-word" }}>
          {shown.text}
        </Text>
      );
  }
}

/** Field by field, before and after; in lists, what was added or removed is bold. */
export function KitDiff(props: { changes: KitChange[]; caption: string }) {
  const t = useTranslations("brandLearning");
  const tf = useTranslations("brandLearning.field");
  const rows = diffRows(props.changes);
  if (rows.length === 0) {
    return (
      <Text size="sm" data-testid="kit-diff-empty">
        {t("noChanges")}
      </Text>
    );
  }
  return (
    <Table data-testid="kit-diff" verticalSpacing={4} withTableBorder>
      <caption style={{ captionSide: "top", textAlign: "left", fontSize: "var(--mantine-font-size-sm)", fontWeight: 700 }}>{props.caption}</caption>
      <TableThead>
        <TableTr>
          <TableTh>{t("fieldHeading")}</TableTh>
          <TableTh>{t("before")}</TableTh>
          <TableTh>{t("after")}</TableTh>
        </TableTr>
      </TableThead>
      <TableTbody>
        {rows.map((row) => (
          <TableTr key={row.field} data-field={row.field} data-kind={row.kind}>
            <TableTd w={180}>
              {/* The kind under the name: beside it, a narrow column cut the badge short. */}
              <Stack gap={2} align="flex-start">
                <Text size="sm">{tf.has(fieldKey(row.field)) ? tf(fieldKey(row.field)) : row.field}</Text>
                <Badge size="xs" variant="dot" color={KIND_COLOURS[row.kind]} style={{ flexShrink: 0, maxWidth: "none" }}>
                  {t(`kind.${row.kind}`)}
                </Badge>
              </Stack>
            </TableTd>
            <TableTd>
              <Value shown={row.before} highlight={row.removed} />
            </TableTd>
            <TableTd>
              <Value shown={row.after} highlight={row.added} />
            </TableTd>
          </TableTr>
        ))}
      </TableTbody>
    </Table>
  );
}
