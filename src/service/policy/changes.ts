import { assertMayWrite } from '../../core/access/permissions.ts';
import type { Actor } from '../../core/actor.ts';
import {
  buildChange,
  CHANGE_ID_PATTERN,
  ChangeInputSchema,
  type ChangeRequest,
  changeIdFromNumber,
  differingChangeFields,
} from '../../core/change/change-request.ts';
import { DossierError } from '../../core/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from '../../core/page.ts';
import type { Release } from '../../core/release.ts';
import type { RiskRecord } from '../../core/risk/risk-record.ts';
import { StoreConflictError } from '../../store/store.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';

export interface CreateChangeResult {
  change: ChangeRequest;
  created: boolean;
}

/**
 * Records a change request under the next `CHG-n`, or under the id given (a change from an
 * external tracker). Repeating a create with the same id and content answers the stored one.
 */
export async function createChange(
  deps: ServiceDeps,
  actor: Actor,
  input: unknown,
): Promise<CreateChangeResult> {
  assertMayWrite(actor, 'create change requests');
  const parsed = ChangeInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('change request', toInputIssues(parsed.error));
  const now = deps.clock.now();
  const attempt = () =>
    deps.store.transaction(async (tx) => {
      const id = parsed.data.id ?? changeIdFromNumber(await tx.nextChangeNumber());
      const change = buildChange({ id, input: parsed.data, now, actor: actor.id });
      const existing = await tx.getChange(id);
      if (existing) return { change: answerRepeat(existing, change), created: false };
      await tx.insertChange(change);
      await tx.appendAudit({
        time: change.createdAt,
        actor: actor.id,
        action: 'change.created',
        subject: `change:${change.id}`,
        details: {
          service: change.service,
          title: change.title,
          type: change.type,
          reason: change.reason,
          requirements: change.requirements,
          author: change.author,
        },
      });
      return { change, created: true };
    });
  try {
    return await attempt();
  } catch (error) {
    // Another instance took the number (or the id) between our read and our insert.
    if (error instanceof StoreConflictError) return attempt();
    throw error;
  }
}

function answerRepeat(existing: ChangeRequest, requested: ChangeRequest): ChangeRequest {
  const differing = differingChangeFields(existing, requested);
  if (differing.length > 0) {
    throw new DossierError(
      'CHANGE_CONFLICT',
      `change request ${existing.id} already exists with a different ${differing.join(', ')}`,
      { issues: differing.map((path) => ({ path, message: 'differs from the stored change' })) },
    );
  }
  return existing;
}

export interface ChangeView {
  change: ChangeRequest;
  releases: Release[];
  risk: RiskRecord | null;
}

export async function getChange(deps: Pick<ServiceDeps, 'store'>, id: string): Promise<ChangeView> {
  const change = await findChange(deps, id);
  const [releases, risk] = await Promise.all([
    deps.store.listReleasesForChange(change.id),
    deps.store.latestRiskRecord(change.id),
  ]);
  return { change, releases, risk: risk ?? null };
}

export async function findChange(
  deps: Pick<ServiceDeps, 'store'>,
  id: string,
): Promise<ChangeRequest> {
  const normalized = id.toUpperCase();
  if (!CHANGE_ID_PATTERN.test(normalized)) {
    throw new DossierError('INVALID_INPUT', `"${id}" is not a change request id`, {
      issues: [{ path: 'id', message: 'must look like CHG-1842' }],
    });
  }
  const change = await deps.store.getChange(normalized);
  if (!change) throw new DossierError('CHANGE_NOT_FOUND', `no change request ${normalized}`);
  return change;
}

export async function listChanges(
  deps: Pick<ServiceDeps, 'store'>,
  options: {
    limit?: number | undefined;
    cursor?: string | undefined;
    service?: string | undefined;
  },
): Promise<Page<ChangeRequest>> {
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new DossierError('INVALID_INPUT', `limit must be from 1 to ${MAX_PAGE_SIZE}`, {
      issues: [{ path: 'limit', message: `must be from 1 to ${MAX_PAGE_SIZE}` }],
    });
  }
  try {
    return await deps.store.listChanges({ ...options, limit });
  } catch (error) {
    if (options.cursor !== undefined && !(error instanceof DossierError)) {
      throw new DossierError('INVALID_INPUT', 'cursor is not one this server issued', {
        issues: [{ path: 'cursor', message: 'not a cursor from a previous page' }],
      });
    }
    throw error;
  }
}
