"use client";

import { Button } from "@mantine/core";
import Link from "next/link";

/** The list page's way to a new pipeline: a link that looks like the page's main action. */
export function NewPipelineLink({ label }: { label: string }) {
  return (
    <Button component={Link} href="/pipelines/new" mb="md">
      {label}
    </Button>
  );
}
