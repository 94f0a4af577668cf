import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/core/actor.ts';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

const admin: Actor = { id: 'token:migration', roles: ['admin'] };
const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const legacy = (overrides: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      release_id: 'REL-2023-114',
      product: 'Payments API',
      version: '1.12.0',
      git_sha: SHA,
      build_id: 4411,
      artifact_hash: `sha256:${'2c'.repeat(32)}`,
      tests: { total: 812, passed: 810, failed: 0, skipped: 2 },
      approvals: [
        {
          role: 'qa',
          approver: 'm.keller',
          approved_at: '2023-04-11T09:12:00Z',
          meaning: 'QA release approval',
        },
      ],
      deployment: {
        environment: 'production',
        deployed_at: '2023-04-12T06:00:00Z',
        status: 'success',
      },
      ...overrides,
    }),
  );

describe('importing a legacy release record', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  it('creates the release and keeps the record byte for byte, every fact marked imported and unverified', async () => {
    const bytes = legacy();
    const { release, record, created } = await api.services.dossier.importLegacy(admin, bytes);
    assert.equal(created, true);
    assert.equal(release.tag, 'payments-api@1.12.0');
    assert.equal(release.commit, SHA);
    assert.deepEqual(release.artifacts, [`sha256:${'2c'.repeat(32)}`]);
    assert.equal(record.kind, 'legacy-record');
    assert.equal(record.format, 'legacy-release-bundle');
    assert.equal(record.size, bytes.byteLength);
    assert.equal(record.summary?.imported, true);
    assert.equal(record.summary?.verified, false);
    assert.deepEqual(record.summary?.approvals, [
      {
        role: 'qa',
        approver: 'm.keller',
        at: '2023-04-11T09:12:00Z',
        meaning: 'QA release approval',
      },
    ]);
    assert.deepEqual(record.summary?.tests, { total: 812, passed: 810, failed: 0, skipped: 2 });
    const trail = await api.services.deps.store.listAuditEntriesFor(`release:${release.id}`);
    assert.deepEqual(
      trail.map((entry) => entry.action),
      ['release.created', 'evidence.attached', 'release.imported'],
    );
    assert.equal(trail.at(-1)?.details.verified, false);
  });

  it('answers a second import of the same record as already imported, logging nothing new', async () => {
    const entries = await api.services.deps.store.countAuditEntries();
    const again = await api.services.dossier.importLegacy(admin, legacy());
    assert.equal(again.created, false);
    assert.equal(await api.services.deps.store.countAuditEntries(), entries);
  });

  it('refuses what it cannot record, naming the field, and stores nothing', async () => {
    const before = (await api.services.releases.list({ limit: 500 })).items.length;
    await assert.rejects(
      api.services.dossier.importLegacy(admin, legacy({ version: '2.0.0', git_sha: '9fceb02' })),
      {
        code: 'INVALID_INPUT',
        message: /git_sha "9fceb02" is abbreviated/,
      },
    );
    await assert.rejects(
      api.services.dossier.importLegacy(
        admin,
        legacy({ version: '2.0.1', artifact_hash: 'md5:abc' }),
      ),
      {
        code: 'INVALID_INPUT',
        issues: [{ path: 'artifact_hash', message: 'must be sha256:<64 hex> or 64 hex digits' }],
      },
    );
    await assert.rejects(
      api.services.dossier.importLegacy(admin, Buffer.from('{"product": "x"}')),
      {
        code: 'EVIDENCE_MALFORMED',
        message: /release_id/,
      },
    );
    await assert.rejects(
      api.services.dossier.importLegacy(admin, legacy({ git_sha: 'f'.repeat(40) })),
      { code: 'TAG_CONFLICT' },
    );
    assert.equal((await api.services.releases.list({ limit: 500 })).items.length, before);
  });

  it('imports over HTTP: 201, then 200 for the same bytes', async () => {
    const body = legacy({ version: '1.13.0' });
    const first = await api.call('/v1/imports/legacy-release', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(first.status, 201);
    const json = await first.json();
    assert.equal(json.release.tag, 'payments-api@1.13.0');
    assert.equal(json.record.summary.imported, true);
    const second = await api.call('/v1/imports/legacy-release', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(second.status, 200);
    const bad = await api.call('/v1/imports/legacy-release', { method: 'POST', body: 'not json' });
    assert.equal(bad.status, 422);
    assert.equal((await bad.json()).code, 'EVIDENCE_MALFORMED');
  });
});
