import { Table, TableScrollContainer, TableTbody, TableTd, TableTh, TableThead, TableTr, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** A plain table for server components (Mantine's Table.Tr style of names needs a client). */
export function DataTable(props: { caption: string; headers: string[]; rows: ReactNode[][]; empty: string }) {
  if (props.rows.length === 0) return <Text>{props.empty}</Text>;
  return (
    <TableScrollContainer minWidth={600}>
      <Table striped highlightOnHover captionSide="top">
        <caption className="visually-hidden">{props.caption}</caption>
        <TableThead>
          <TableTr>
            {props.headers.map((header) => (
              <TableTh key={header} scope="col">
                {header}
              </TableTh>
            ))}
          </TableTr>
        </TableThead>
        <TableTbody>
          {props.rows.map((cells, row) => (
            <TableTr key={row}>
              {cells.map((cell, column) => (
                <TableTd key={column}>{cell}</TableTd>
              ))}
            </TableTr>
          ))}
        </TableTbody>
      </Table>
    </TableScrollContainer>
  );
}
