import { assertMayWrite, assertServiceInScope } from '../core/access/permissions.ts';
import type { Actor } from '../core/actor.ts';
import { DossierError } from '../core/errors.ts';
import {
  buildRelease,
  differingReleaseFields,
  type Release,
  ReleaseInputSchema,
} from '../core/release.ts';
import { StoreConflictError } from '../store/store.ts';
import type { ServiceDeps } from './deps.ts';
import { invalidInput, toInputIssues } from './input-issues.ts';

export interface CreateReleaseResult {
  release: Release;
  /** False when an identical release already held the tag (a pipeline retry). */
  created: boolean;
}

export async function createRelease(
  deps: ServiceDeps,
  actor: Actor,
  input: unknown,
): Promise<CreateReleaseResult> {
  assertMayWrite(actor, 'create releases');
  const parsed = ReleaseInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('release', toInputIssues(parsed.error));
  assertServiceInScope(actor, parsed.data.service);
  const requested = buildRelease({
    id: deps.ids.next('rel'),
    input: parsed.data,
    now: deps.clock.now(),
    actor: actor.id,
  });
  try {
    return await deps.store.transaction(async (tx) => {
      const existing = await tx.getReleaseByTag(requested.tag);
      if (existing) return { release: answerRepeat(existing, requested), created: false };
      await tx.insertRelease(requested);
      await tx.appendAudit({
        time: requested.createdAt,
        actor: actor.id,
        action: 'release.created',
        subject: `release:${requested.id}`,
        details: {
          tag: requested.tag,
          service: requested.service,
          version: requested.version,
          commit: requested.commit,
          change: requested.change,
          artifacts: requested.artifacts,
        },
      });
      return { release: requested, created: true };
    });
  } catch (error) {
    // Another instance created the tag between our read and our insert: answer as a repeat.
    if (error instanceof StoreConflictError) {
      const existing = await deps.store.getReleaseByTag(requested.tag);
      if (existing) return { release: answerRepeat(existing, requested), created: false };
    }
    throw error;
  }
}

function answerRepeat(existing: Release, requested: Release): Release {
  const differing = differingReleaseFields(existing, requested);
  if (differing.length > 0) {
    throw new DossierError(
      'TAG_CONFLICT',
      `release ${existing.tag} already exists with a different ${differing.join(' and ')} ` +
        `(existing commit ${existing.commit}); a tag names exactly one build`,
      {
        issues: differing.map((field) => ({
          path: field,
          message: 'differs from the existing release',
        })),
      },
    );
  }
  return existing;
}
