import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildEvidence, buildRelease } from '../../test/support/builders.ts';
import type { Session } from '../core/access/session.ts';
import type { TrainingRecord } from '../core/access/training.ts';
import type { User } from '../core/access/user.ts';
import type { ApiToken } from '../core/api-token.ts';
import { isAuditEntryIntact } from '../core/audit-log/audit-entry.ts';
import { canonicalJson } from '../core/audit-log/canonical-json.ts';
import { hashLeafBatch, packLeafTexts } from '../core/audit-log/leaf-batch.ts';
import { MerkleFrontier } from '../core/audit-log/merkle-frontier.ts';
import { hashChildren, hashLeafText } from '../core/audit-log/merkle-hash.ts';
import { perfectSubtrees, rangeHash } from '../core/audit-log/merkle-tree.ts';
import type { WebhookDelivery } from '../core/webhooks/webhook-source.ts';
import { runApprovalsDashboardConformance } from './approvals-dashboard.conformance.ts';
import { runControlConformance } from './control.conformance.ts';
import { describeJobQueue } from './job-queue.conformance.ts';
import { runListingConformance } from './listing.conformance.ts';
import { runSignatureConformance } from './signature.conformance.ts';
import { type Store, StoreConflictError } from './store.ts';

export interface StoreUnderTest {
  store: Store;
  /** Closes this store and opens the same location again, to prove what was committed lasts. */
  reopen(): Promise<Store>;
  dispose(): Promise<void>;
}

export interface StoreConformanceOptions {
  name: string;
  open(): Promise<StoreUnderTest>;
}

const audit = (subject: string) => ({
  time: '2026-11-23T10:00:00.000Z',
  actor: 'token:test',
  action: 'release.created' as const,
  subject,
  details: { n: 1 },
});

/**
 * The behaviour every Store adapter must have. An adapter's test file calls this with a way to
 * open a fresh, empty store; nothing here knows which adapter it is testing.
 */
export function runStoreConformance({ name, open }: StoreConformanceOptions): void {
  describe(`Store conformance: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;

    before(async () => {
      subject = await open();
      store = subject.store;
    });
    after(async () => {
      await subject.dispose();
    });

    it('finds an inserted release by id and by tag, as it was written', async () => {
      const release = buildRelease({ change: 'CHG-1', artifacts: [`sha256:${'a'.repeat(64)}`] });
      await store.transaction((tx) => tx.insertRelease(release));
      assert.deepEqual(await store.getReleaseById(release.id), release);
      assert.deepEqual(await store.getReleaseByTag(release.tag), release);
      assert.equal(await store.getReleaseById('rel_NOPE'), undefined);
    });

    it('refuses a second release with the same tag as a StoreConflictError', async () => {
      const first = buildRelease();
      await store.transaction((tx) => tx.insertRelease(first));
      await assert.rejects(
        store.transaction((tx) => tx.insertRelease(buildRelease({ tag: first.tag }))),
        (error) => error instanceof StoreConflictError,
      );
    });

    it('lists releases newest first, page by page, optionally for one service', async () => {
      const service = `svc-${Date.now()}`;
      const made = [];
      for (let i = 0; i < 5; i++) {
        const release = buildRelease({ service });
        made.push(release);
        await store.transaction((tx) => tx.insertRelease(release));
      }
      const first = await store.listReleases({ limit: 2, service });
      assert.deepEqual(
        first.items.map((r) => r.id),
        [made[4]?.id, made[3]?.id],
      );
      assert.ok(first.nextCursor);
      const second = await store.listReleases({ limit: 2, service, cursor: first.nextCursor });
      assert.deepEqual(
        second.items.map((r) => r.id),
        [made[2]?.id, made[1]?.id],
      );
      const third = await store.listReleases({
        limit: 2,
        service,
        cursor: second.nextCursor ?? undefined,
      });
      assert.deepEqual(
        third.items.map((r) => r.id),
        [made[0]?.id],
      );
      assert.equal(third.nextCursor, null);
      const all = await store.listReleases({ limit: 500 });
      assert.ok(all.items.length >= 5);
      assert.equal(all.items[0]?.id, made[4]?.id);
    });

    it('counts evidence on its release and finds it by release, kind and digest', async () => {
      const release = buildRelease();
      const a = buildEvidence(release.id, {
        summary: { tests: 3, nested: { ok: true } },
        format: 'junit-xml',
      });
      const b = buildEvidence(release.id, { kind: 'sbom' });
      await store.transaction(async (tx) => {
        await tx.insertRelease(release);
        await tx.insertEvidence(a);
        await tx.insertEvidence(b);
      });
      assert.equal((await store.getReleaseById(release.id))?.evidenceCount, 2);
      assert.deepEqual(await store.listEvidence(release.id), [a, b]);
      assert.deepEqual(await store.findEvidence(release.id, 'junit', a.sha256), a);
      assert.equal(await store.findEvidence(release.id, 'sbom', a.sha256), undefined);
      assert.equal(await store.isBlobReferenced(a.sha256), true);
      assert.equal(await store.isBlobReferenced('f'.repeat(64)), false);
    });

    it('refuses the same bytes of the same kind twice on one release, but not on another', async () => {
      const one = buildRelease();
      const two = buildRelease();
      const evidence = buildEvidence(one.id);
      await store.transaction(async (tx) => {
        await tx.insertRelease(one);
        await tx.insertRelease(two);
        await tx.insertEvidence(evidence);
      });
      await assert.rejects(
        store.transaction((tx) =>
          tx.insertEvidence(buildEvidence(one.id, { sha256: evidence.sha256 })),
        ),
        (error) => error instanceof StoreConflictError,
      );
      await store.transaction((tx) =>
        tx.insertEvidence(buildEvidence(two.id, { sha256: evidence.sha256 })),
      );
      assert.equal((await store.getReleaseById(one.id))?.evidenceCount, 1);
      assert.equal((await store.getReleaseById(two.id))?.evidenceCount, 1);
    });

    it('rolls back every write of a transaction that fails, audit entry included', async () => {
      const release = buildRelease();
      const entriesBefore = await store.countAuditEntries();
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insertRelease(release);
          await tx.appendAudit(audit(`release:${release.id}`));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.getReleaseById(release.id), undefined);
      assert.equal(await store.countAuditEntries(), entriesBefore);
    });

    it('does not show a transaction’s writes to readers before it commits', async () => {
      const release = buildRelease();
      let seenInside: unknown = 'not read';
      await store.transaction(async (tx) => {
        await tx.insertRelease(release);
        seenInside = await store.getReleaseById(release.id);
      });
      assert.equal(seenInside, undefined);
      assert.deepEqual(await store.getReleaseById(release.id), release);
    });

    it('stores tokens by hash and counts them', async () => {
      const before = await store.countTokens();
      const token: ApiToken = {
        id: `tok_${Date.now()}`,
        name: `ci-${Date.now()}`,
        tokenHash: 'd'.repeat(64),
        roles: ['admin'],
        services: null,
        createdAt: '2026-11-23T10:00:00.000Z',
        createdBy: 'system',
        expiresAt: null,
        revokedAt: null,
        revokedBy: null,
      };
      await store.transaction((tx) => tx.insertToken(token));
      assert.deepEqual(await store.findTokenByHash(token.tokenHash), token);
      assert.equal(await store.findTokenByHash('e'.repeat(64)), undefined);
      assert.equal(await store.countTokens(), before + 1);
    });

    it('keeps a token’s scope and expiry, finds it by id or name, and revokes it once', async () => {
      const token: ApiToken = {
        id: 'tok_SCOPED',
        name: 'ci-scoped',
        tokenHash: '7'.repeat(64),
        roles: ['engineering', 'qa'],
        services: ['payments-api', 'ledger'],
        createdAt: '2026-11-23T10:00:00.000Z',
        createdBy: 'user:alice',
        expiresAt: '2027-02-21T10:00:00.000Z',
        revokedAt: null,
        revokedBy: null,
      };
      await store.transaction((tx) => tx.insertToken(token));
      assert.deepEqual(await store.findToken('tok_SCOPED'), token);
      assert.deepEqual(await store.findToken('ci-scoped'), token);
      assert.equal(await store.findToken('nope'), undefined);
      await store.transaction((tx) => tx.revokeToken(token.id, '2026-11-24T00:00:00.000Z', 'a'));
      await store.transaction((tx) => tx.revokeToken(token.id, '2026-12-24T00:00:00.000Z', 'b'));
      const revoked = await store.findTokenByHash(token.tokenHash);
      assert.equal(revoked?.revokedAt, '2026-11-24T00:00:00.000Z');
      assert.equal(revoked?.revokedBy, 'a');
      assert.ok((await store.listTokens()).some((listed) => listed.id === token.id));
    });

    it('stores users with their roles, refuses a taken username, grants and revokes', async () => {
      const user: User = {
        id: 'usr_ALICE',
        username: 'alice',
        fullName: 'Alice Example',
        roles: ['qa', 'engineering'],
        createdAt: '2026-11-23T10:00:00.000Z',
        createdBy: 'token:bootstrap-admin',
        disabledAt: null,
      };
      await store.transaction((tx) => tx.insertUser(user, { passwordHash: 'scrypt$x' }));
      assert.deepEqual(await store.getUser('alice'), { ...user, roles: ['engineering', 'qa'] });
      await assert.rejects(
        store.transaction((tx) =>
          tx.insertUser({ ...user, id: 'usr_OTHER' }, { passwordHash: 'scrypt$y' }),
        ),
        (error) => error instanceof StoreConflictError,
      );
      const changes = await store.transaction(async (tx) => [
        await tx.grantRole(user.id, 'security', '2026-11-23T11:00:00.000Z', 'user:root'),
        await tx.grantRole(user.id, 'security', '2026-11-23T11:00:00.000Z', 'user:root'),
        await tx.revokeRole(user.id, 'qa'),
        await tx.revokeRole(user.id, 'qa'),
      ]);
      assert.deepEqual(changes, [true, false, true, false]);
      assert.deepEqual((await store.getUser('alice'))?.roles, ['engineering', 'security']);
      assert.deepEqual(
        (await store.listUsers()).find((listed) => listed.username === 'alice')?.roles,
        ['engineering', 'security'],
      );
      assert.equal(await store.getUser('nobody'), undefined);
    });

    it('keeps password hashes and failed attempts apart from the user record, and disables', async () => {
      const user: User = {
        id: 'usr_BOB',
        username: 'bob',
        fullName: 'Bob',
        roles: [],
        createdAt: '2026-11-23T10:00:00.000Z',
        createdBy: 'system',
        disabledAt: null,
      };
      await store.transaction((tx) => tx.insertUser(user, { passwordHash: 'scrypt$hash' }));
      assert.ok(!JSON.stringify(await store.getUser('bob')).includes('scrypt'));
      assert.deepEqual(await store.getUserCredentials(user.id), {
        userId: user.id,
        passwordHash: 'scrypt$hash',
        failedAttempts: 0,
        lockedUntil: null,
      });
      await store.transaction((tx) =>
        tx.setAuthState(user.id, { failedAttempts: 5, lockedUntil: '2026-11-23T10:15:00.000Z' }),
      );
      await store.transaction((tx) => tx.setPasswordHash(user.id, 'scrypt$stronger'));
      assert.equal((await store.getUserCredentials(user.id))?.passwordHash, 'scrypt$stronger');
      assert.equal((await store.getUserCredentials(user.id))?.failedAttempts, 5);
      assert.equal(
        (await store.getUserCredentials(user.id))?.lockedUntil,
        '2026-11-23T10:15:00.000Z',
      );
      await store.transaction((tx) => tx.setUserDisabled(user.id, '2026-11-23T12:00:00.000Z'));
      await store.transaction((tx) => tx.setUserDisabled(user.id, '2026-11-30T12:00:00.000Z'));
      assert.equal((await store.getUser('bob'))?.disabledAt, '2026-11-23T12:00:00.000Z');
    });

    it('finds sessions by token hash and ends them once', async () => {
      const user: User = {
        id: 'usr_CAROL',
        username: 'carol',
        fullName: 'Carol',
        roles: ['auditor'],
        createdAt: '2026-11-23T10:00:00.000Z',
        createdBy: 'system',
        disabledAt: null,
      };
      const session: Session = {
        id: 'ses_1',
        tokenHash: '5'.repeat(64),
        userId: user.id,
        username: 'carol',
        createdAt: '2026-11-23T10:00:00.000Z',
        expiresAt: '2026-11-23T18:00:00.000Z',
        endedAt: null,
      };
      await store.transaction(async (tx) => {
        await tx.insertUser(user, { passwordHash: 'scrypt$c' });
        await tx.insertSession(session);
      });
      assert.deepEqual(await store.findSessionByHash(session.tokenHash), session);
      await store.transaction((tx) => tx.endSession(session.id, '2026-11-23T11:00:00.000Z'));
      await store.transaction((tx) => tx.endSession(session.id, '2026-11-23T12:00:00.000Z'));
      assert.equal(
        (await store.findSessionByHash(session.tokenHash))?.endedAt,
        '2026-11-23T11:00:00.000Z',
      );
      assert.equal(await store.findSessionByHash('4'.repeat(64)), undefined);
    });

    it('lists a user’s training records in the order recorded', async () => {
      const user: User = {
        id: 'usr_DAN',
        username: 'dan',
        fullName: 'Dan',
        roles: ['qa'],
        createdAt: '2026-11-23T10:00:00.000Z',
        createdBy: 'system',
        disabledAt: null,
      };
      const first: TrainingRecord = {
        id: 'trn_1',
        username: 'dan',
        course: 'GCP-101',
        version: '3',
        completedOn: '2026-01-10',
        expiresOn: '2027-01-10',
        recordedAt: '2026-11-23T10:00:00.000Z',
        recordedBy: 'user:root',
      };
      const second: TrainingRecord = { ...first, id: 'trn_2', course: 'SOP-7', expiresOn: null };
      await store.transaction(async (tx) => {
        await tx.insertUser(user, { passwordHash: 'scrypt$d' });
        await tx.insertTraining(first);
        await tx.insertTraining(second);
      });
      assert.deepEqual(await store.listTraining('dan'), [first, second]);
      assert.deepEqual(await store.listTraining('nobody'), []);
      await assert.rejects(
        store.transaction((tx) => tx.insertTraining({ ...first, id: 'trn_3', username: 'ghost' })),
      );
    });

    it('appends audit entries at consecutive sequence numbers with intact leaf hashes', async () => {
      const start = await store.countAuditEntries();
      const appended = await store.transaction(async (tx) => [
        await tx.appendAudit(audit('release:a')),
        await tx.appendAudit(audit('release:b')),
      ]);
      assert.deepEqual(
        appended.map((entry) => entry.seq),
        [start, start + 1],
      );
      const read = await store.listAuditEntries({ fromSeq: start, limit: 10 });
      assert.deepEqual(read, appended);
      assert.ok(read.every(isAuditEntryIntact));
    });

    it('keeps the audit log gap-free and duplicate-free under concurrent transactions', async () => {
      const start = await store.countAuditEntries();
      const count = 25;
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          store.transaction((tx) => tx.appendAudit(audit(`release:c${i}`))),
        ),
      );
      const entries = await store.listAuditEntries({ fromSeq: 0, limit: start + count + 10 });
      assert.equal(entries.length, start + count);
      assert.deepEqual(
        entries.map((entry) => entry.seq),
        Array.from({ length: start + count }, (_, i) => i),
      );
    });

    it('commits each of many concurrent transactions whole or not at all when some fail', async () => {
      // Adapters may commit concurrent transactions together: one that fails must take back
      // its own writes and appends only, and leave no gap in the log.
      const start = await store.countAuditEntries();
      const taken = buildRelease();
      await store.transaction((tx) => tx.insertRelease(taken));
      const count = 30;
      const releases = Array.from({ length: count }, () => buildRelease());
      const outcomes = await Promise.allSettled(
        releases.map((release, i) =>
          store.transaction(async (tx) => {
            await tx.insertRelease(release);
            const entry = await tx.appendAudit(audit(`release:${release.id}`));
            if (i % 3 === 1) throw new Error(`unit ${i} fails after appending`);
            if (i % 3 === 2 && i % 2 === 0) {
              await tx.insertRelease(buildRelease({ tag: taken.tag })); // a conflict
            }
            return entry;
          }),
        ),
      );
      const kept = releases.filter((_, i) => outcomes[i]?.status === 'fulfilled');
      assert.equal(kept.length, count - 10 - 5);
      for (const [i, release] of releases.entries()) {
        const stored = await store.getReleaseById(release.id);
        assert.equal(stored !== undefined, outcomes[i]?.status === 'fulfilled', `release ${i}`);
      }
      const entries = await store.listAuditEntries({ fromSeq: start, limit: count + 10 });
      assert.deepEqual(
        entries.map((entry) => entry.seq),
        kept.map((_, i) => start + i),
      );
      assert.deepEqual(
        new Set(entries.map((entry) => entry.subject)),
        new Set(kept.map((release) => `release:${release.id}`)),
      );
      const answered = outcomes.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value] : [],
      );
      assert.deepEqual(
        [...answered].sort((a, b) => a.seq - b.seq),
        entries,
        'each transaction was answered with the entry it committed',
      );
    });

    it('stores the Merkle subtree hashes that give the root of the whole log', async () => {
      const size = await store.countAuditEntries();
      assert.ok(size > 10);
      const entries = await store.listAuditEntries({ fromSeq: 0, limit: size });
      const leaves = entries.map((entry) => Buffer.from(entry.leafHash, 'hex'));
      const naive = (items: Uint8Array[]): Uint8Array => {
        if (items.length === 1) return items[0] as Uint8Array;
        let k = 1;
        while (k * 2 < items.length) k *= 2;
        return hashChildren(naive(items.slice(0, k)), naive(items.slice(k)));
      };
      for (const end of [1, 2, 7, size]) {
        const refs = perfectSubtrees({ start: 0, end });
        const hashes = await store.getSubtreeHashes(refs);
        const byRef = new Map(
          refs.map((ref, i) => [`${ref.level}/${ref.index}`, hashes[i] as Uint8Array]),
        );
        const root = rangeHash(
          { start: 0, end },
          (ref) => byRef.get(`${ref.level}/${ref.index}`) as Uint8Array,
        );
        assert.deepEqual(
          Buffer.from(root),
          Buffer.from(naive(leaves.slice(0, end))),
          `root of ${end}`,
        );
      }
      await assert.rejects(store.getSubtreeHashes([{ level: 0, index: size }]), /not stored/);
    });

    it('gives each entry’s canonical leaf text, which hashes to its stored leaf hash', async () => {
      const size = await store.countAuditEntries();
      const texts = await store.listAuditLeafTexts({ fromSeq: 0, limit: size });
      const entries = await store.listAuditEntries({ fromSeq: 0, limit: size });
      assert.equal(texts.length, size);
      texts.forEach((text, i) => {
        assert.equal(hashLeafText(text), entries[i]?.leafHash, `entry ${i}`);
        assert.equal(text, canonicalJson({ ...entries[i], leafHash: undefined }));
      });
    });

    it('packs leaf texts byte for byte as auditLeafText builds them, odd content included', async () => {
      // Every BMP code point but the surrogates (U+0000 only where PostgreSQL text can hold
      // it: escaped inside JSON), astral characters, JSON escapes and numbers that serialize
      // unlike their source text.
      let everyCodePoint = '';
      for (let cp = 1; cp <= 0xffff; cp++) {
        if (cp < 0xd800 || cp > 0xdfff) everyCodePoint += String.fromCodePoint(cp);
      }
      const odd = [
        {
          ...audit('release:\u{1f600}\u00e9'),
          actor: everyCodePoint,
          details: { all: everyCodePoint },
        },
        {
          ...audit('release:"quoted" \\back\\slash \u2028\u2029 \u{1f600} \u{10ffff}'),
          time: 'not a time: \b\f\n\r\t \u007f "',
          details: {
            numbers: [0, -0, 0.1, 1e21, 1e-7, 2 ** 53, -1.5e300, 123456789012345680000],
            escapes: '\u0000\u0001\u001f "\\ </script>',
            'ünïcödé 🎉': { z: null, a: [true, false, { '': '' }] },
            '\u{1f600}': 1,
            '\uffff': 2,
          },
        },
      ];
      const first = await store.countAuditEntries();
      await store.transaction(async (tx) => {
        for (const input of odd) await tx.appendAudit(input);
      });
      const entries = await store.listAuditEntries({ fromSeq: first, limit: odd.length });
      const batch = await store.readAuditLeafBatch({ fromSeq: first, toSeq: first + 10 });
      assert.equal(batch.count, odd.length);
      const expected = entries.map((entry) => canonicalJson({ ...entry, leafHash: undefined }));
      assert.deepEqual(Buffer.from(batch.data), packLeafTexts(expected).data);
      const hashed = hashLeafBatch(batch);
      assert.ok(hashed.ok);
      const tree = new MerkleFrontier();
      for (const entry of entries) tree.push(Buffer.from(entry.leafHash, 'hex'));
      assert.deepEqual(
        Buffer.from(new MerkleFrontier().rootWith(hashed.subtrees) ?? []),
        Buffer.from(tree.root() ?? []),
      );
    });

    it('packs the whole log in ranges, and nothing for a range past its end', async () => {
      const size = await store.countAuditEntries();
      const texts = await store.listAuditLeafTexts({ fromSeq: 0, limit: size });
      const parts = [];
      for (let from = 0; from < size; from += 4) {
        const batch = await store.readAuditLeafBatch({ fromSeq: from, toSeq: from + 4 });
        assert.equal(batch.count, Math.min(4, size - from));
        parts.push(Buffer.from(batch.data));
      }
      assert.deepEqual(Buffer.concat(parts), packLeafTexts(texts).data);
      const beyond = await store.readAuditLeafBatch({ fromSeq: size, toSeq: size + 4 });
      assert.equal(beyond.count, 0);
      assert.equal(beyond.data.length, 0);
    });

    it('lists the audit entries about one subject, oldest first', async () => {
      const subject = `release:subject-${Date.now()}`;
      await store.transaction(async (tx) => {
        await tx.appendAudit(audit(subject));
        await tx.appendAudit(audit('release:other'));
        await tx.appendAudit(audit(subject));
      });
      const entries = await store.listAuditEntriesFor(subject);
      assert.equal(entries.length, 2);
      assert.ok((entries[0]?.seq ?? 0) < (entries[1]?.seq ?? 0));
    });

    it('keeps checkpoints write-once and lists them by size', async () => {
      const checkpoint = (size: number) => ({
        size,
        rootHash: new Uint8Array(32).fill(size),
        time: '2026-11-23T10:00:00.000Z',
        keyName: 'k1',
        note: `note ${size}\n`,
      });
      assert.equal(await store.latestCheckpoint(), undefined);
      await store.transaction((tx) => tx.insertCheckpoint(checkpoint(3)));
      await store.transaction((tx) => tx.insertCheckpoint(checkpoint(5)));
      await assert.rejects(
        store.transaction((tx) => tx.insertCheckpoint({ ...checkpoint(5), note: 'other\n' })),
        (error) => error instanceof StoreConflictError,
      );
      assert.deepEqual(await store.latestCheckpoint(), checkpoint(5));
      assert.deepEqual(await store.getCheckpoint(3), checkpoint(3));
      assert.deepEqual(
        (await store.listCheckpoints({ fromSize: 4, limit: 10 })).map((c) => c.size),
        [5],
      );
    });

    it('records log keys once each and lists them oldest first', async () => {
      assert.deepEqual(await store.listLogKeys(), []);
      const key = (name: string, createdAt: string) => ({
        name,
        origin: 'dossier/test',
        verifierKey: `${name}+00000000+AA==`,
        createdAt,
      });
      await store.transaction((tx) => tx.insertLogKey(key('k2', '2026-11-23T10:00:01.000Z')));
      await store.transaction((tx) => tx.insertLogKey(key('k1', '2026-11-23T10:00:00.000Z')));
      await assert.rejects(
        store.transaction((tx) => tx.insertLogKey(key('k1', '2026-11-23T11:00:00.000Z'))),
        (error) => error instanceof StoreConflictError,
      );
      assert.deepEqual(
        (await store.listLogKeys()).map((k) => k.name),
        ['k1', 'k2'],
      );
    });

    it('keeps the CI context an evidence record was inserted with', async () => {
      const release = buildRelease();
      const ciContext = {
        provider: 'gitlab-ci' as const,
        commit: release.commit,
        branch: 'main',
        repository: 'acme/payments',
        runId: '1000042',
        runUrl: 'https://gitlab.example.com/acme/payments/-/pipelines/1000042',
        actor: null,
      };
      const withContext = buildEvidence(release.id, { ciContext });
      const without = buildEvidence(release.id);
      await store.transaction(async (tx) => {
        await tx.insertRelease(release);
        await tx.insertEvidence(withContext);
        await tx.insertEvidence(without);
      });
      assert.deepEqual(await store.listEvidence(release.id), [withContext, without]);
    });

    it('finds the releases of a commit and of an artifact digest, oldest first', async () => {
      const commit = randomBytes(20).toString('hex');
      const digest = `sha256:${randomBytes(32).toString('hex')}`;
      const first = buildRelease({ commit, artifacts: [digest] });
      const second = buildRelease({ commit });
      const other = buildRelease({ artifacts: [`sha256:${randomBytes(32).toString('hex')}`] });
      await store.transaction(async (tx) => {
        await tx.insertRelease(first);
        await tx.insertRelease(other);
        await tx.insertRelease(second);
      });
      assert.deepEqual(
        (await store.findReleasesByCommit(commit)).map((release) => release.id),
        [first.id, second.id],
      );
      assert.deepEqual(
        (await store.findReleasesByArtifact(digest)).map((release) => release.id),
        [first.id],
      );
      assert.deepEqual(await store.findReleasesByCommit('f'.repeat(40)), []);
      assert.deepEqual(await store.findReleasesByArtifact(`sha256:${'f'.repeat(64)}`), []);
    });

    it('keeps webhook deliveries write-once: the same source and id twice is a conflict', async () => {
      const delivery: WebhookDelivery = {
        source: 'github',
        deliveryId: `d-${randomBytes(8).toString('hex')}`,
        event: 'workflow_run',
        receivedAt: '2026-11-23T10:00:00.000Z',
        outcome: 'recorded',
        detail: 'pipeline-run evidence on 1 release',
        evidenceIds: ['evd_1', 'evd_2'],
        bodySha256: 'a'.repeat(64),
      };
      await store.transaction((tx) => tx.insertWebhookDelivery(delivery));
      assert.deepEqual(await store.getWebhookDelivery('github', delivery.deliveryId), delivery);
      assert.equal(await store.getWebhookDelivery('gitlab', delivery.deliveryId), undefined);
      assert.deepEqual(await store.findWebhookDeliveryByBody('github', 'a'.repeat(64)), delivery);
      assert.equal(await store.findWebhookDeliveryByBody('github', 'b'.repeat(64)), undefined);
      await assert.rejects(
        store.transaction((tx) => tx.insertWebhookDelivery({ ...delivery, outcome: 'ignored' })),
        StoreConflictError,
      );
      // The same id from another source is another delivery.
      await store.transaction((tx) =>
        tx.insertWebhookDelivery({ ...delivery, source: 'cdevents', evidenceIds: [] }),
      );
      assert.deepEqual(
        (await store.getWebhookDelivery('cdevents', delivery.deliveryId))?.evidenceIds,
        [],
      );
    });

    it('sets, replaces, lists and removes the integration of each webhook source', async () => {
      const github = {
        source: 'github' as const,
        secret: 'first secret',
        createdAt: '2026-11-23T10:00:00.000Z',
        createdBy: 'token:admin',
      };
      await store.transaction((tx) => tx.putIntegration(github));
      await store.transaction((tx) =>
        tx.putIntegration({ ...github, source: 'cdevents', secret: 'cde' }),
      );
      const replaced = {
        ...github,
        secret: 'second secret',
        createdAt: '2026-11-23T11:00:00.000Z',
      };
      await store.transaction((tx) => tx.putIntegration(replaced));
      assert.deepEqual(await store.getIntegration('github'), replaced);
      assert.deepEqual(
        (await store.listIntegrations()).map((integration) => integration.source),
        ['cdevents', 'github'],
      );
      assert.equal(await store.transaction((tx) => tx.deleteIntegration('github')), true);
      assert.equal(await store.transaction((tx) => tx.deleteIntegration('github')), false);
      assert.equal(await store.getIntegration('github'), undefined);
      await store.transaction((tx) => tx.deleteIntegration('cdevents'));
    });
    describeJobQueue(() => store);

    it('keeps committed records after the store is closed and opened again', async () => {
      const release = buildRelease();
      const evidence = buildEvidence(release.id);
      await store.transaction(async (tx) => {
        await tx.insertRelease(release);
        await tx.insertEvidence(evidence);
        await tx.appendAudit(audit(`release:${release.id}`));
      });
      const job = {
        id: `job_${release.id}`,
        kind: 'test.durable',
        dedupeKey: `test.durable:${release.id}`,
        payload: { release: release.id },
        runAt: '2026-11-23T10:00:00.000Z',
        maxAttempts: 1,
        createdAt: '2026-11-23T10:00:00.000Z',
      };
      await store.transaction((tx) => tx.enqueueJob(job));
      const entries = await store.countAuditEntries();
      store = await subject.reopen();
      assert.equal((await store.getJob(job.id))?.dedupeKey, job.dedupeKey);
      assert.deepEqual(await store.getReleaseById(release.id), { ...release, evidenceCount: 1 });
      assert.deepEqual(await store.listEvidence(release.id), [evidence]);
      assert.equal(await store.countAuditEntries(), entries);
    });
  });
  runControlConformance({ name, open });
  runSignatureConformance({ name, open });
  runListingConformance({ name, open });
  runApprovalsDashboardConformance({ name, open });
}
