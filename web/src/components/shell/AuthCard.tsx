"use client";

import { Anchor, Center, Paper, Text, Title } from "@mantine/core";
import Link from "next/link";
import type { ReactNode } from "react";

export function AuthCard(props: {
  title: string;
  children: ReactNode;
  footer: string;
  footerLink: { href: string; label: string };
}) {
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <Title order={1} size="h2" mb="lg">
          {props.title}
        </Title>
        {props.children}
        <Text size="sm" mt="lg">
          {props.footer}{" "}
          <Anchor component={Link} href={props.footerLink.href}>
            {props.footerLink.label}
          </Anchor>
        </Text>
      </Paper>
    </Center>
  );
}
