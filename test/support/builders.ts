import { randomBytes } from 'node:crypto';
import type { Evidence } from '../../src/core/evidence-record.ts';
import type { Release } from '../../src/core/release.ts';

let counter = 0;
function uniqueSuffix(): string {
  counter += 1;
  return `${counter.toString().padStart(4, '0')}${randomBytes(3).toString('hex')}`;
}

/** A valid release record; override what the test is about. */
export function buildRelease(overrides: Partial<Release> = {}): Release {
  const suffix = uniqueSuffix();
  const version = overrides.version ?? `1.0.${suffix}`;
  const service = overrides.service ?? 'payments-api';
  return {
    id: `rel_TEST${suffix.toUpperCase().padEnd(22, '0')}`,
    tag: `${service}@${version}`,
    service,
    version,
    commit: randomBytes(20).toString('hex'),
    change: null,
    artifacts: [],
    state: 'draft',
    createdAt: '2026-11-23T10:00:00.000Z',
    createdBy: 'token:test',
    evidenceCount: 0,
    ...overrides,
  };
}

/** A valid evidence record for `releaseId`; override what the test is about. */
export function buildEvidence(releaseId: string, overrides: Partial<Evidence> = {}): Evidence {
  return {
    id: `evd_${uniqueSuffix()}`,
    releaseId,
    kind: 'junit',
    name: 'report.xml',
    size: 123,
    sha256: randomBytes(32).toString('hex'),
    mediaType: 'application/xml',
    format: null,
    summary: null,
    submittedBy: 'token:test',
    submittedAt: '2026-11-23T10:00:01.000Z',
    ciContext: null,
    ...overrides,
  };
}
