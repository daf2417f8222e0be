import { headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";

import { negotiateLocale } from "./locale";
import { tenantTimeZone } from "./zone";

// No locale in the URL: the dashboard is private, so it follows the browser's preference.
export default getRequestConfig(async () => {
  const locale = negotiateLocale((await headers()).get("accept-language"));
  return {
    locale,
    messages: (await import(`../../messages/${locale}.json`)).default,
    // The tenant's time zone (src/i18n/zone.ts): every getTimeZone(), useTimeZone() and
    // format.dateTime() without an explicit zone uses it, server and client alike.
    timeZone: await tenantTimeZone(),
  };
});
