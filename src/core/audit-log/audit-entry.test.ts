import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { type AuditEntryInput, isAuditEntryIntact, sealAuditEntry } from './audit-entry.ts';

const input: AuditEntryInput = {
  time: '2026-11-23T10:00:00.000Z',
  actor: 'token:ci',
  action: 'release.created',
  subject: 'release:rel_01',
  details: { tag: 'api@1.0.0', artifacts: [] },
};

describe('audit entries', () => {
  it('hash as an RFC 6962 leaf: SHA-256 over 0x00 and the canonical JSON of the entry', () => {
    const entry = sealAuditEntry(input, 7);
    const canonical =
      '{"action":"release.created","actor":"token:ci","details":{"artifacts":[],"tag":"api@1.0.0"},' +
      '"seq":7,"subject":"release:rel_01","time":"2026-11-23T10:00:00.000Z"}';
    const expected = createHash('sha256')
      .update(Buffer.from([0]))
      .update(canonical)
      .digest('hex');
    assert.equal(entry.leafHash, expected);
    assert.equal(entry.seq, 7);
  });

  it('bind the sequence number: the same change at another position hashes differently', () => {
    assert.notEqual(sealAuditEntry(input, 1).leafHash, sealAuditEntry(input, 2).leafHash);
  });

  it('show any edit to a sealed entry as not intact', () => {
    const entry = sealAuditEntry(input, 0);
    assert.equal(isAuditEntryIntact(entry), true);
    assert.equal(isAuditEntryIntact({ ...entry, actor: 'token:someone-else' }), false);
    assert.equal(
      isAuditEntryIntact({ ...entry, details: { ...entry.details, tag: 'api@1.0.1' } }),
      false,
    );
    assert.equal(isAuditEntryIntact({ ...entry, seq: 1 }), false);
  });
});
