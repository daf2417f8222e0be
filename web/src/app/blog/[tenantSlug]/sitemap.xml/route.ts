import { findBlog } from "@/api/public";
import { sitemapXml } from "@/lib/blog/feeds";

export const dynamic = "force-dynamic";

/** The blog's sitemap: the index and every published article with its last change. */
export async function GET(_request: Request, { params }: { params: Promise<{ tenantSlug: string }> }) {
  const blog = await findBlog((await params).tenantSlug);
  if (!blog) return new Response("not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(sitemapXml(blog), {
    headers: { "content-type": "application/xml; charset=utf-8", "cache-control": "no-store" },
  });
}
