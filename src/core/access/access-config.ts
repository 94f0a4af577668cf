import { z } from 'zod';
import { TrainingRequirementSchema } from './training.ts';
import { RoleName } from './user.ts';

/**
 * The access configuration file (`--access-config`): which OIDC issuers Dossier trusts, which CI
 * identities their tokens map to, and which training each role requires. It is deploy-time trust
 * material, reviewed like code, so it is a file rather than state an API call could change.
 */

/** Asymmetric algorithms only: a JWKS holds public keys, and `none` or HMAC must never pass. */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
] as const;

export const OIDC_ISSUER_KINDS = ['github', 'gitlab', 'generic'] as const;
export type OidcIssuerKind = (typeof OIDC_ISSUER_KINDS)[number];

/**
 * Claims each identity must pin, by issuer kind. GitHub's `sub` format changed for newer
 * repositories and names can be re-registered after a rename or deletion, so a GitHub identity
 * is pinned by the numeric, never-reused repository and owner ids; GitLab's likewise by project
 * and namespace ids.
 */
export const REQUIRED_CLAIMS: Record<OidcIssuerKind, readonly string[]> = {
  github: ['repository_id', 'repository_owner_id'],
  gitlab: ['project_id', 'namespace_id'],
  generic: [],
};

const DEFAULT_JWKS: Record<OidcIssuerKind, ((issuer: string) => string) | undefined> = {
  github: (issuer) => `${issuer.replace(/\/$/, '')}/.well-known/jwks`,
  gitlab: (issuer) => `${issuer.replace(/\/$/, '')}/oauth/discovery/keys`,
  generic: undefined,
};

/** https, or http only to this machine (tests and local key servers). */
function isAcceptableKeyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return true;
    return (
      url.protocol === 'http:' &&
      (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]')
    );
  } catch {
    return false;
  }
}

const IssuerSchema = z
  .object({
    issuer: z.string().min(1, 'must not be empty'),
    kind: z.enum(OIDC_ISSUER_KINDS).default('generic'),
    audience: z.string().min(1, 'must not be empty'),
    jwksUrl: z
      .string()
      .refine(
        isAcceptableKeyUrl,
        'must be an https:// URL (http:// only to 127.0.0.1 or localhost)',
      )
      .optional(),
    algorithms: z.array(z.enum(OIDC_ALGORITHMS)).min(1).default(['RS256']),
  })
  .strict();

const IdentitySchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,62}$/,
        'must be 1-63 lowercase letters, digits, ".", "_" or "-"',
      ),
    issuer: z.string().min(1),
    claims: z
      .record(z.string(), z.union([z.string(), z.number()]).transform(String))
      .refine((claims) => Object.keys(claims).length > 0, 'must pin at least one claim'),
    roles: z.array(RoleName).min(1, 'must grant at least one role'),
    services: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export const AccessConfigSchema = z
  .object({
    oidc: z
      .object({
        issuers: z.array(IssuerSchema).default([]),
        identities: z.array(IdentitySchema).default([]),
      })
      .strict()
      .default({ issuers: [], identities: [] }),
    trainingRequirements: z.array(TrainingRequirementSchema).default([]),
  })
  .strict()
  .superRefine((config, context) => {
    const issuers = new Map(config.oidc.issuers.map((issuer) => [issuer.issuer, issuer]));
    config.oidc.issuers.forEach((issuer, index) => {
      if (!issuer.jwksUrl && !DEFAULT_JWKS[issuer.kind]) {
        context.addIssue({
          code: 'custom',
          path: ['oidc', 'issuers', index, 'jwksUrl'],
          message: 'is required for a generic issuer',
        });
      }
    });
    const names = new Set<string>();
    config.oidc.identities.forEach((identity, index) => {
      const path = ['oidc', 'identities', index];
      if (names.has(identity.name)) {
        context.addIssue({ code: 'custom', path: [...path, 'name'], message: 'is used twice' });
      }
      names.add(identity.name);
      const issuer = issuers.get(identity.issuer);
      if (!issuer) {
        context.addIssue({
          code: 'custom',
          path: [...path, 'issuer'],
          message: 'is not one of oidc.issuers',
        });
        return;
      }
      for (const claim of REQUIRED_CLAIMS[issuer.kind]) {
        if (!(claim in identity.claims)) {
          context.addIssue({
            code: 'custom',
            path: [...path, 'claims', claim],
            message: `is required for a ${issuer.kind} identity`,
          });
        }
      }
    });
  });

export type AccessConfig = z.output<typeof AccessConfigSchema>;
export type OidcIssuer = AccessConfig['oidc']['issuers'][number];
export type OidcIdentity = AccessConfig['oidc']['identities'][number];

export const EMPTY_ACCESS_CONFIG: AccessConfig = AccessConfigSchema.parse({});

/** Where an issuer's keys are fetched from: the configured URL, or the kind's well-known one. */
export function jwksUrlOf(issuer: OidcIssuer): string {
  const url = issuer.jwksUrl ?? DEFAULT_JWKS[issuer.kind]?.(issuer.issuer);
  if (!url) throw new Error(`issuer ${issuer.issuer} has no JWKS URL`);
  return url;
}

export type IdentityMatch =
  | { matched: true; identity: OidcIdentity }
  | { matched: false; reason: string };

/**
 * Maps verified claims to the first configured identity of their issuer whose pinned claims all
 * equal the token's (numbers compared as their decimal text). Called only after the token's
 * signature, issuer, audience and expiry were checked.
 */
export function matchOidcIdentity(
  claims: Record<string, unknown>,
  issuer: OidcIssuer,
  identities: readonly OidcIdentity[],
): IdentityMatch {
  const candidates = identities.filter((identity) => identity.issuer === issuer.issuer);
  for (const identity of candidates) {
    const pinned = Object.entries(identity.claims);
    if (pinned.every(([name, value]) => claimText(claims[name]) === value)) {
      return { matched: true, identity };
    }
  }
  const shown = [...REQUIRED_CLAIMS[issuer.kind], 'sub']
    .map((name) => `${name}=${claimText(claims[name]) ?? '(none)'}`)
    .join(', ');
  return {
    matched: false,
    reason: `no CI identity configured for this ${issuer.kind} token (${shown})`,
  };
}

function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
