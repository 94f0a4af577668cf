import { z } from 'zod';
import { MAX_TOKEN_DAYS } from '../api-token.ts';
import { RoleName } from './user.ts';

/** An admin's request for a new API token; the value is generated and shown once. */
export const CreateTokenInputSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,62}$/,
        'must be 1-63 lowercase letters, digits, ".", "_" or "-"',
      ),
    roles: z.array(RoleName).min(1, 'must grant at least one role'),
    services: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional(),
  })
  .strict();
