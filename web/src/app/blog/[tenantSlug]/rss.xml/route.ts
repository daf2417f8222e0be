import { findBlog } from "@/api/public";
import { rssXml } from "@/lib/blog/feeds";

export const dynamic = "force-dynamic";

/** The blog's RSS 2.0 feed, newest article first. */
export async function GET(_request: Request, { params }: { params: Promise<{ tenantSlug: string }> }) {
  const blog = await findBlog((await params).tenantSlug);
  if (!blog) return new Response("not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(rssXml(blog, `${blog.url}/rss.xml`), {
    headers: { "content-type": "application/rss+xml; charset=utf-8", "cache-control": "no-store" },
  });
}
