import { z } from 'zod';
import { ROLES, type Role } from './roles.ts';

/** A local account: a person who can sign in, and later sign. */
export interface User {
  id: string;
  /** Unique, lowercase; the name the person is recorded under (`user:alice`). */
  username: string;
  /** The printed name a signature carries (21 CFR 11.50). */
  fullName: string;
  /** Roles granted now, in ROLES order. */
  roles: Role[];
  createdAt: string;
  createdBy: string;
  /** When an admin disabled the account; a disabled account cannot sign in or sign. */
  disabledAt: string | null;
}

/** What the store keeps about a user's password and failed attempts: never shown outside. */
export interface UserCredentials {
  userId: string;
  /** Self-describing hash: `scrypt$ln=17,r=8,p=1$<salt>$<hash>` (see service/password-hash.ts). */
  passwordHash: string;
  /** Wrong passwords since the last success. */
  failedAttempts: number;
  /** Until when sign-in and re-authentication are refused after too many wrong passwords. */
  lockedUntil: string | null;
}

export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{1,62}[a-z0-9]$/;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** The name a user is recorded under in the audit log and on what they submit. */
export function userActor(username: string): string {
  return `user:${username}`;
}

/** The person a recorded actor id names, if it names one (`user:alice` → alice). */
export function personOf(actorId: string): string | undefined {
  return actorId.startsWith('user:') ? actorId.slice('user:'.length) : undefined;
}

export const Username = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        USERNAME_PATTERN,
        'must be 3-64 lowercase letters, digits, ".", "_" or "-", starting with a letter and ending with a letter or digit',
      ),
  );

export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const RoleName = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export const CreateUserInputSchema = z
  .object({
    username: Username,
    fullName: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .refine((value) => !/[\p{Cc}]/u.test(value), 'must not contain control characters'),
    password: Password,
    roles: z.array(RoleName).max(ROLES.length).default([]),
  })
  .strict();
export type CreateUserInput = z.input<typeof CreateUserInputSchema>;

export const LoginInputSchema = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  })
  .strict();

export const RoleGrantInputSchema = z.object({ role: RoleName }).strict();
