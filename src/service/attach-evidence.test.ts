import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { bytes, openTestServices, type TestServices } from '../../test/support/services.ts';
import type { Actor } from '../core/actor.ts';
import type { Release } from '../core/release.ts';

const ci: Actor = { id: 'token:ci', roles: ['admin'] };
const REPORT = '<testsuite name="a" tests="1"><testcase name="t"/></testsuite>';
const BOM = '{"bomFormat":"CycloneDX","specVersion":"1.5"}';

/** A body that records whether anyone started reading it. */
function untouchedBody() {
  const state = { read: false };
  const body = (async function* () {
    state.read = true;
    yield Buffer.from('x');
  })();
  return { state, body };
}

async function* droppedAfter(part: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(part);
  throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

describe('attachEvidence', () => {
  let t: TestServices;
  let release: Release;
  let other: Release;
  const blobFiles = async () =>
    (await readdir(join(t.dataDir, 'blobs', 'sha256'), { recursive: true })).filter(
      (p) => p.length > 10,
    );
  const tempFiles = () => readdir(join(t.dataDir, 'blobs', 'tmp'));

  before(async () => {
    t = await openTestServices({ maxUploadBytes: 64 });
    release = (
      await t.services.releases.create(ci, { service: 'api', version: '1', commit: 'a'.repeat(40) })
    ).release;
    other = (
      await t.services.releases.create(ci, { service: 'api', version: '2', commit: 'b'.repeat(40) })
    ).release;
  });
  after(() => t.dispose());

  it('records the bytes’ digest, size, submitter and time, and logs the attachment', async () => {
    const entries = await t.services.deps.store.countAuditEntries();
    const { evidence, created } = await t.services.evidence.attach(ci, {
      release: release.tag,
      kind: 'junit',
      name: 'report.xml',
      mediaType: 'application/xml',
      body: bytes(REPORT.slice(0, 10), REPORT.slice(10)),
    });
    assert.equal(created, true);
    assert.equal(evidence.sha256, createHash('sha256').update(REPORT).digest('hex'));
    assert.equal(evidence.size, Buffer.byteLength(REPORT));
    assert.equal(evidence.submittedBy, 'token:ci');
    assert.equal(evidence.mediaType, 'application/xml');
    assert.equal((await t.services.releases.get(release.id)).evidenceCount, 1);
    const [entry] = await t.services.deps.store.listAuditEntries({ fromSeq: entries, limit: 5 });
    assert.equal(entry?.action, 'evidence.attached');
    assert.equal(entry?.details.sha256, evidence.sha256);
    const stream = await t.services.evidence.openBlob(evidence.sha256);
    assert.equal(await text(stream), REPORT);
  });

  it('gives the same record for the same bytes of the same kind, and logs nothing new', async () => {
    const entries = await t.services.deps.store.countAuditEntries();
    const first = (await t.services.evidence.list(release.id))[0];
    const again = await t.services.evidence.attach(ci, {
      release: release.id,
      kind: 'junit',
      name: 'renamed.xml',
      body: bytes(REPORT),
    });
    assert.equal(again.created, false);
    assert.deepEqual(again.evidence, first);
    assert.equal((await t.services.releases.get(release.id)).evidenceCount, 1);
    assert.equal(await t.services.deps.store.countAuditEntries(), entries);
  });

  it('shares one blob between two releases that received the same bytes', async () => {
    const result = await t.services.evidence.attach(ci, {
      release: other.id,
      kind: 'junit',
      name: 'r.xml',
      body: bytes(REPORT),
    });
    assert.equal(result.created, true);
    const [first] = await t.services.evidence.list(release.id);
    assert.equal(first?.sha256, result.evidence.sha256, 'the same bytes, the same blob');
    // Small bytes live in the database (one row per digest), not in a file of their own.
    assert.deepEqual(
      (await blobFiles()).filter((p) => p.endsWith(result.evidence.sha256)),
      [],
    );
    assert.equal(await t.services.deps.blobs.has(result.evidence.sha256), true);
  });

  it('creates one record when the same upload arrives twice at once', async () => {
    const results = await Promise.all([
      t.services.evidence.attach(ci, {
        release: other.id,
        kind: 'sbom',
        name: 'a.json',
        body: bytes(BOM),
      }),
      t.services.evidence.attach(ci, {
        release: other.id,
        kind: 'sbom',
        name: 'a.json',
        body: bytes(BOM),
      }),
    ]);
    assert.equal(results[0].evidence.id, results[1].evidence.id);
    assert.deepEqual(results.map((r) => r.created).sort(), [false, true]);
  });

  for (const [label, request, code] of [
    ['an unknown kind', { kind: 'junitt', name: 'r.xml' }, 'UNKNOWN_EVIDENCE_KIND'],
    [
      'an unknown release',
      { kind: 'junit', name: 'r.xml', release: 'nope@1' },
      'RELEASE_NOT_FOUND',
    ],
    ['a name with control characters', { kind: 'junit', name: 'r\n.xml' }, 'INVALID_INPUT'],
    [
      'an announced size over the limit',
      { kind: 'junit', name: 'r.xml', declaredSize: 65 },
      'EVIDENCE_TOO_LARGE',
    ],
  ] as const) {
    it(`refuses ${label} before reading the body`, async () => {
      const { state, body } = untouchedBody();
      await assert.rejects(
        t.services.evidence.attach(ci, { release: release.id, ...request, body }),
        { code },
      );
      assert.equal(state.read, false);
    });
  }

  for (const [label, body, code] of [
    ['an empty file', () => bytes(), 'EMPTY_EVIDENCE'],
    ['a body over the limit', () => bytes('x'.repeat(40), 'y'.repeat(40)), 'EVIDENCE_TOO_LARGE'],
    ['a body cut off mid-upload', () => droppedAfter('<testsuite'), 'UPLOAD_INCOMPLETE'],
  ] as const) {
    it(`refuses ${label} and keeps nothing of it`, async () => {
      const entries = await t.services.deps.store.countAuditEntries();
      const blobsBefore = await blobFiles();
      const count = (await t.services.releases.get(release.id)).evidenceCount;
      await assert.rejects(
        t.services.evidence.attach(ci, {
          release: release.id,
          kind: 'junit',
          name: 'r.xml',
          body: body(),
        }),
        { code },
      );
      assert.equal(await t.services.deps.store.countAuditEntries(), entries);
      assert.deepEqual(await blobFiles(), blobsBefore);
      const sent: Uint8Array[] = [];
      try {
        for await (const chunk of body()) sent.push(chunk);
      } catch {}
      const digest = createHash('sha256').update(Buffer.concat(sent)).digest('hex');
      assert.equal(await t.services.deps.blobs.has(digest), false, 'nor a blob in the database');
      assert.deepEqual(await tempFiles(), []);
      assert.equal((await t.services.releases.get(release.id)).evidenceCount, count);
    });
  }
});

describe('openBlob', () => {
  let t: TestServices;
  before(async () => {
    t = await openTestServices();
  });
  after(() => t.dispose());

  it('refuses a path-like or malformed digest without touching the disk', async () => {
    for (const value of ['../../etc/passwd', 'abc', 'G'.repeat(64), `${'a'.repeat(64)}/..`]) {
      await assert.rejects(t.services.evidence.openBlob(value), { code: 'INVALID_DIGEST' });
    }
  });

  it('does not serve bytes no evidence record points at', async () => {
    await assert.rejects(t.services.evidence.openBlob('a'.repeat(64)), { code: 'BLOB_NOT_FOUND' });
  });
});
