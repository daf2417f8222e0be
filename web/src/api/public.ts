/** The API's public blog, read on the server without a session: no cookie, no token. A blog
 * or article the API does not have (or a malformed slug, 422) is the not-found page. */

import createClient from "openapi-fetch";
import { notFound } from "next/navigation";

import { apiBaseUrl } from "@/lib/session/upstream";

import { ApiError } from "./server";
import type { components } from "./schema";

export type PublicBlog = components["schemas"]["PublicBlogOut"];
export type PublicArticle = components["schemas"]["PublicArticleOut"];

function publicApi() {
  // Unpublishing must take effect at once: nothing is cached.
  return createClient<import("./schema").paths>({
    baseUrl: apiBaseUrl(),
    fetch: (request: Request) => fetch(request, { cache: "no-store" }),
  });
}

/** The data, null for "no such blog or article", or an ApiError for anything else. */
async function read<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T | null> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  if (response.status === 404 || response.status === 422) return null;
  throw new ApiError(response.status, error);
}

export async function findBlog(blogSlug: string): Promise<PublicBlog | null> {
  return read(publicApi().GET("/api/v1/public/blogs/{blog_slug}", { params: { path: { blog_slug: blogSlug } } }));
}

export async function findArticle(blogSlug: string, articleSlug: string): Promise<PublicArticle | null> {
  return read(
    publicApi().GET("/api/v1/public/blogs/{blog_slug}/articles/{article_slug}", {
      params: { path: { blog_slug: blogSlug, article_slug: articleSlug } },
    }),
  );
}

export async function mustBlog(blogSlug: string): Promise<PublicBlog> {
  return (await findBlog(blogSlug)) ?? notFound();
}

export async function mustArticle(blogSlug: string, articleSlug: string): Promise<PublicArticle> {
  return (await findArticle(blogSlug, articleSlug)) ?? notFound();
}
