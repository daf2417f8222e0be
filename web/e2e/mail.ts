import { execFileSync } from "node:child_process";

import { expect } from "@playwright/test";

/** What the API's local mail sink holds for an address, read with the product's own reader
 * (src/icop/mail/sink.py): each message's plain text, newest first. */
function mailTo(address: string): string[] {
  const script = [
    "import json, sys",
    "from pathlib import Path",
    "from icop.mail.sink import MailSink, plain_text",
    "sink = MailSink(Path(sys.argv[1]), sender='sink@localhost')",
    "print(json.dumps([plain_text(sink.read(m.id)) for m in sink.messages(to=sys.argv[2])]))",
  ].join("\n");
  const output = execFileSync(process.env.ICOP_E2E_PYTHON ?? "python3", ["-c", script, process.env.ICOP_E2E_MAIL_DIR ?? "", address], {
    env: { ...process.env, PYTHONPATH: process.env.ICOP_E2E_PYTHONPATH ?? "" },
    encoding: "utf-8",
  });
  return JSON.parse(output) as string[];
}

const LINK = /\/(reset-password|verify-email)#([0-9a-f]{32}\.[A-Za-z0-9_-]+)/;

/** The path and fragment (`/reset-password#<token>`) of the newest account link of this kind
 * e-mailed to the address, waiting for the e-mail (it leaves after the API's answer). The
 * caller opens it on the dashboard under test: the API's configured dashboard URL may be
 * another port. */
export async function newestLink(address: string, kind: "reset-password" | "verify-email", notIn: string[] = []): Promise<string> {
  let found = "";
  await expect
    .poll(
      () => {
        for (const text of mailTo(address)) {
          const match = LINK.exec(text);
          if (match && match[1] === kind && !notIn.includes(match[0])) {
            found = match[0];
            return true;
          }
        }
        return false;
      },
      { message: `a ${kind} e-mail to ${address}`, timeout: 15_000 },
    )
    .toBe(true);
  return found;
}
