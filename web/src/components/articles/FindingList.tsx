import { Badge, Group, List, ListItem, Text } from "@mantine/core";

export interface Finding {
  code: string;
  action: string;
  detail: string;
}

/** The publishability gate's findings: what it blocked on, what a reviewer should look at. */
export function FindingList({
  findings,
  label,
  anchors,
  anchorLabel,
}: {
  findings: Finding[];
  label?: string;
  /** The id of the highlight in the article of each finding placed there (by index). */
  anchors?: Record<number, string>;
  anchorLabel?: string;
}) {
  return (
    <List spacing="xs" size="sm" aria-label={label} listStyleType="none">
      {findings.map((finding, index) => (
        <ListItem key={`${finding.code}-${index}`}>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Badge color={finding.action === "blocking" ? "red" : "yellow"} variant="dot" style={{ flexShrink: 0 }}>
              {finding.action}
            </Badge>
            <Text size="sm">
              <Text span ff="monospace" size="sm">
                {finding.code}
              </Text>
              {": "}
              {finding.detail}
              {anchors?.[index] && (
                <>
                  {" "}
                  <a className="link" href={`#${anchors[index]}`} data-testid="finding-anchor">
                    {anchorLabel}
                  </a>
                </>
              )}
            </Text>
          </Group>
        </ListItem>
      ))}
    </List>
  );
}
