/**
 * The roles a person or a CI credential can hold. `auditor` reads everything and changes
 * nothing; `admin` manages accounts, roles, tokens and training. The others are the functions a
 * release approval matrix names (issue 5); holding one lets an actor submit releases and evidence.
 */
export const ROLES = [
  'admin',
  'engineering',
  'qa',
  'clinical',
  'product',
  'security',
  'operations',
  'regulatory',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles in the one order used everywhere they are shown or stored: ROLES order, no repeats. */
export function sortRoles(roles: Iterable<Role>): Role[] {
  const held = new Set(roles);
  return ROLES.filter((role) => held.has(role));
}

/**
 * The roles an approval matrix names and a person signs for: every role but `admin` (manages
 * accounts) and `auditor` (reads). Only these are delegated to a backup approver.
 */
export const SIGNING_ROLES = ROLES.filter(
  (role): role is Exclude<Role, 'admin' | 'auditor'> => role !== 'admin' && role !== 'auditor',
);

export function isSigningRole(value: unknown): boolean {
  return (SIGNING_ROLES as readonly unknown[]).includes(value);
}
