"use client";

import { Button, Group, Loader } from "@mantine/core";
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useState } from "react";

import type { SeoValues } from "./SeoForm";

// The article page is the heaviest route (docs/dashboard.md#performance): the form is loaded
// when asked for, not with the page.
const SeoForm = dynamic(() => import("./SeoForm").then((loaded) => loaded.SeoForm), {
  ssr: false,
  loading: () => <Loader size="sm" />,
});

export function SeoEditButton(props: { articleId: string; version: number; seo: SeoValues }) {
  const t = useTranslations("review.seo");
  const [open, setOpen] = useState(false);
  if (open) return <SeoForm {...props} />;
  return (
    <Group>
      <Button variant="default" onClick={() => setOpen(true)}>
        {t("open")}
      </Button>
    </Group>
  );
}
