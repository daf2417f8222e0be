import { headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";

import { negotiateLocale } from "./locale";

// No locale in the URL: the dashboard is private, so it follows the browser's preference.
export default getRequestConfig(async () => {
  const locale = negotiateLocale((await headers()).get("accept-language"));
  return {
    locale,
    messages: (await import(`../../messages/${locale}.json`)).default,
    // Times are shown in UTC, labelled, until the tenant's time zone is part of the API.
    timeZone: process.env.ICOP_WEB_TIME_ZONE ?? "UTC",
  };
});
