import type { Evidence } from '../core/evidence-record.ts';
import type { Release } from '../core/release.ts';
import type { EvidenceJson, ReleaseJson } from '../core/wire-schemas.ts';

// Field-by-field whitelists: a field added to a record is not published until it is added here.

export function presentRelease(release: Release): ReleaseJson {
  return {
    id: release.id,
    tag: release.tag,
    service: release.service,
    version: release.version,
    commit: release.commit,
    change: release.change,
    artifacts: release.artifacts,
    state: release.state,
    createdAt: release.createdAt,
    createdBy: release.createdBy,
    evidenceCount: release.evidenceCount,
  };
}

export function presentEvidence(evidence: Evidence): EvidenceJson {
  return {
    id: evidence.id,
    releaseId: evidence.releaseId,
    kind: evidence.kind,
    name: evidence.name,
    size: evidence.size,
    sha256: evidence.sha256,
    mediaType: evidence.mediaType,
    format: evidence.format,
    summary: evidence.summary,
    submittedBy: evidence.submittedBy,
    submittedAt: evidence.submittedAt,
  };
}
