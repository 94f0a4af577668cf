import { assertMayWrite, assertServiceInScope } from '../core/access/permissions.ts';
import type { Actor } from '../core/actor.ts';
import { type CiContext, CiContextSchema } from '../core/ci-context.ts';
import { DossierError } from '../core/errors.ts';
import {
  EVIDENCE_KINDS,
  type Evidence,
  evidenceNameProblem,
  isEvidenceKind,
} from '../core/evidence-record.ts';
import type { Release } from '../core/release.ts';
import { BlobTooLargeError, type StagedBlob } from '../store/blob/blob-store.ts';
import { StoreConflictError } from '../store/store.ts';
import type { ServiceDeps } from './deps.ts';
import {
  AUTO_KIND,
  identifyFormat,
  NO_TRUST,
  type RecognizedEvidence,
  summarize,
} from './recognize-evidence.ts';
import { getRelease } from './release-queries.ts';

export interface AttachEvidenceRequest {
  /** Release id or tag. */
  release: string;
  /** An evidence kind, or `auto` to detect it from the content. */
  kind: string;
  /** The file's name as the submitter knows it; metadata only. */
  name: string;
  mediaType?: string | undefined;
  /** Size announced before the bytes arrive (Content-Length), to refuse oversize uploads early. */
  declaredSize?: number | undefined;
  body: AsyncIterable<Uint8Array>;
  /** The CI run submitting it (detected by the CLI from the job's environment); checked here. */
  ciContext?: unknown;
}

export interface AttachEvidenceResult {
  evidence: Evidence;
  /** False when the same bytes of the same kind were already on the release. */
  created: boolean;
}

/**
 * Checks the request, streams the bytes into the blob store while hashing them, and records the
 * evidence with its audit entry in one transaction. Nothing is recorded unless every check passed
 * and the bytes arrived whole.
 */
export async function attachEvidence(
  deps: ServiceDeps,
  actor: Actor,
  request: AttachEvidenceRequest,
): Promise<AttachEvidenceResult> {
  assertMayWrite(actor, 'attach evidence');
  const { kind, name, ciContext } = checkRequest(request, deps.config.maxUploadBytes);
  const release = await getRelease(deps, request.release);
  assertServiceInScope(actor, release.service);
  const staged = await stageBody(deps, request.body);
  let recognized: RecognizedEvidence;
  try {
    if (staged.size === 0) {
      throw new DossierError('EMPTY_EVIDENCE', `"${name}" is empty; evidence must have content`);
    }
    const format = await identifyFormat(staged, kind, name);
    const existing = await deps.store.findEvidence(release.id, format.kind, staged.sha256);
    if (existing) {
      await staged.discard();
      return { evidence: existing, created: false };
    }
    recognized = await summarize(staged, format, {
      trust: deps.trust ?? NO_TRUST,
      artifacts: release.artifacts,
      now: deps.clock.now(),
    });
  } catch (error) {
    await staged.discard();
    throw error;
  }
  // Bytes first, record second: a crash in between leaves an unreferenced blob (harmless, same
  // bytes as its name), never a record pointing at missing bytes. Bytes that live in the same
  // database as the record commit with it instead, atomically.
  if (!staged.commitIn) await staged.commit();
  const evidence: Evidence = {
    id: deps.ids.next('evd'),
    releaseId: release.id,
    kind: recognized.kind,
    name,
    size: staged.size,
    sha256: staged.sha256,
    mediaType: request.mediaType || 'application/octet-stream',
    format: recognized.format,
    summary: recognized.summary,
    submittedBy: actor.id,
    submittedAt: deps.clock.now().toISOString(),
    ciContext,
  };
  try {
    return await deps.store.transaction(async (tx) => {
      await staged.commitIn?.(tx);
      await tx.insertEvidence(evidence);
      await tx.appendAudit(auditEntryFor(evidence, release, actor));
      return { evidence, created: true };
    });
  } catch (error) {
    // The same bytes of the same kind attached meanwhile (the record is unique per release, kind
    // and digest): theirs is the answer. Not looked up inside the transaction first: a write
    // transaction's round trips are paid while holding the audit log's append lock.
    if (error instanceof StoreConflictError) {
      const raced = await deps.store.findEvidence(release.id, evidence.kind, staged.sha256);
      if (raced) return { evidence: raced, created: false };
    }
    throw error;
  }
}

function checkRequest(request: AttachEvidenceRequest, maxBytes: number) {
  const { kind, name } = request;
  if (kind !== AUTO_KIND && !isEvidenceKind(kind)) {
    throw new DossierError(
      'UNKNOWN_EVIDENCE_KIND',
      `unknown evidence kind "${kind}"; expected one of ${EVIDENCE_KINDS.join(', ')}, or auto to detect it`,
      { issues: [{ path: 'kind', message: 'unknown evidence kind' }] },
    );
  }
  const nameProblem = evidenceNameProblem(name);
  if (nameProblem) {
    throw new DossierError('INVALID_INPUT', `evidence name ${nameProblem}`, {
      issues: [{ path: 'name', message: nameProblem }],
    });
  }
  if (request.declaredSize !== undefined && request.declaredSize > maxBytes) {
    throw tooLarge(name, maxBytes);
  }
  return { kind, name, ciContext: checkCiContext(request.ciContext) };
}

function checkCiContext(context: unknown): CiContext | null {
  if (context === undefined || context === null) return null;
  const parsed = CiContextSchema.safeParse(context);
  if (parsed.success) return parsed.data;
  throw new DossierError('INVALID_INPUT', 'the CI context is not valid', {
    issues: parsed.error.issues.map((issue) => ({
      path: ['ciContext', ...issue.path].join('.'),
      message: issue.message,
    })),
  });
}

async function stageBody(deps: ServiceDeps, body: AsyncIterable<Uint8Array>): Promise<StagedBlob> {
  try {
    return await deps.blobs.stage(failuresAsIncomplete(body), {
      maxBytes: deps.config.maxUploadBytes,
    });
  } catch (error) {
    if (error instanceof BlobTooLargeError) throw tooLarge('the upload', error.maxBytes);
    throw error;
  }
}

/** A source that fails mid-stream (a dropped connection) means the bytes did not arrive whole. */
async function* failuresAsIncomplete(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } catch (error) {
    if (error instanceof DossierError) throw error;
    throw new DossierError(
      'UPLOAD_INCOMPLETE',
      'the upload ended before all of its bytes arrived; nothing was stored',
      { cause: error },
    );
  }
}

function tooLarge(what: string, maxBytes: number): DossierError {
  return new DossierError(
    'EVIDENCE_TOO_LARGE',
    `${what} is larger than the limit of ${formatSize(maxBytes)} (${maxBytes} bytes); nothing was stored`,
  );
}

function formatSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(2))} ${units[unit]}`;
}

function auditEntryFor(evidence: Evidence, release: Release, actor: Actor) {
  return {
    time: evidence.submittedAt,
    actor: actor.id,
    action: 'evidence.attached' as const,
    subject: `release:${release.id}`,
    details: {
      evidence: evidence.id,
      tag: release.tag,
      kind: evidence.kind,
      name: evidence.name,
      sha256: evidence.sha256,
      size: evidence.size,
      ...(evidence.ciContext ? { ci: { ...evidence.ciContext } } : {}),
    },
  };
}
