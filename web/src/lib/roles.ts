/** The API's roles, least to most privileged (icop.models.Role). The page hides what a role may
 * not do; the API refuses it anyway. */
export const ROLES = ["viewer", "editor", "admin", "owner"] as const;
export type RoleName = (typeof ROLES)[number];

export function atLeast(role: string, minimum: RoleName): boolean {
  return ROLES.indexOf(role as RoleName) >= ROLES.indexOf(minimum);
}
