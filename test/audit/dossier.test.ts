import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/core/actor.ts';
import { parseVerifierKey, type VerifierKey } from '../../src/core/audit-log/signed-note.ts';
import { type DossierVerdict, verifyDossier } from '../../src/core/dossier/verify-dossier.ts';
import { approve } from '../../src/service/approval/signatures.ts';
import {
  type ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  readDossierArchive,
} from '../../src/service/export/read-dossier-archive.ts';
import { corpusPath } from '../support/corpus.ts';
import { bytes, openTestServices, type TestServices } from '../support/services.ts';
import { type Entry, unzip, zipOf } from '../support/zip.ts';

const admin: Actor = { id: 'token:qa-lead', roles: ['admin'] };
const REGULATED = new URL('../../examples/policies/regulated.yaml', import.meta.url);
describe('the release dossier', () => {
  let t: TestServices;
  let archive: Buffer;
  let other: Buffer;
  let keys: VerifierKey[];
  let scratch: string;
  let counter = 0;

  const verifyBytes = async (
    data: Buffer,
    pinned = keys,
    limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
  ): Promise<DossierVerdict> => {
    const path = join(scratch, `archive-${counter++}.zip`);
    await writeFile(path, data);
    return verifyDossier(await readDossierArchive(path, limits), pinned);
  };
  const failures = (verdict: DossierVerdict) =>
    verdict.checks.filter((c) => !c.ok).map((c) => `${c.target} | ${c.check}`);

  before(async () => {
    t = await openTestServices();
    scratch = t.dataDir;
    await t.services.policies.apply(admin, await readFile(REGULATED, 'utf8'));
    await t.services.services.put(admin, 'payments-api', { criticality: 4 });
    await t.services.changes.create(admin, {
      id: 'CHG-1842',
      service: 'payments-api',
      title: 'Round reported amounts half-even',
      type: 'code',
      reason: 'Finance reconciliation found cent drift',
      requirements: ['REQ-88'],
    });
    await t.services.changes.assessRisk(admin, 'CHG-1842', {
      scope: 2,
      customerImpact: 3,
      rollbackComplexity: 2,
    });
    const { release } = await t.services.releases.create(admin, {
      service: 'payments-api',
      version: '1.18.4',
      commit: 'a'.repeat(40),
      change: 'CHG-1842',
      artifacts: [`sha256:${'b'.repeat(64)}`],
    });
    for (const name of ['catch2-failure.xml', 'go-junit-report-subtests.xml']) {
      const data = await readFile(corpusPath('junit', name));
      await t.services.evidence.attach(admin, {
        release: release.id,
        kind: 'custom',
        name,
        body: bytes(data),
      });
    }
    await t.services.evidence.attach(admin, {
      release: release.id,
      kind: 'rollback-plan',
      name: 'plan.md',
      body: bytes('# Roll back\n'),
    });
    await t.services.gates.decide(admin, release.id, 'verification');
    await t.services.evidence.attach(admin, {
      release: release.id,
      kind: 'rollback-plan',
      name: 'plan-v2.md',
      body: bytes('# Roll back\nRe-deploy 1.18.3.\n'),
    });
    await t.services.gates.decide(admin, release.id, 'verification');
    await approve(
      t.services.deps,
      { id: 'user:quinn', roles: ['qa'] },
      { username: 'quinn', fullName: 'Quinn Quality', method: 'password', roles: ['qa'] },
      release.id,
      { role: 'qa', meaning: 'QA evidence reviewed' },
      async () => undefined,
    );
    const waiver = await t.services.exceptions.request(
      { id: 'user:ed', roles: ['engineering'] },
      {
        ruleId: 'tests-pass',
        release: release.id,
        reason: 'Legacy suite is being rewritten under CHG-1900',
        compensatingControl: 'Manual regression run recorded in VAL-12',
        expiresAt: '2026-12-10T00:00:00Z',
      },
    );
    await t.services.exceptions.approve({ id: 'user:quinn', roles: ['qa'] }, waiver.id);
    archive = await buffer((await t.services.dossier.export(admin, release.tag)).stream);
    const second = await t.services.releases.create(admin, {
      service: 'ledger',
      version: '2.0.0',
      commit: 'c'.repeat(40),
    });
    await t.services.evidence.attach(admin, {
      release: second.release.id,
      kind: 'custom',
      name: 'n.txt',
      body: bytes('other'),
    });
    other = await buffer((await t.services.dossier.export(admin, second.release.id)).stream);
    keys = t.services.log.keys().keys.map((key) => parseVerifierKey(key.verifierKey));
  });
  after(() => t.dispose());

  it('holds the manifest, the log proof, the report, the attestation and every original evidence file', async () => {
    const names = (await unzip(archive)).map(([name]) => name);
    assert.ok(
      names.includes('manifest.json') &&
        names.includes('log-proof.json') &&
        names.includes('report.html'),
    );
    assert.ok(names.includes('attestations/release.intoto.json'));
    assert.equal(names.filter((name) => name.startsWith('evidence/')).length, 4);
    const original = await readFile(corpusPath('junit', 'catch2-failure.xml'));
    const stored = (await unzip(archive)).find(([name]) =>
      name.endsWith('/catch2-failure.xml'),
    )?.[1];
    assert.deepEqual(stored, original);
  });

  it('verifies offline with the pinned key, and logs the export', async () => {
    const verdict = await verifyBytes(archive);
    assert.deepEqual(failures(verdict), []);
    assert.equal(verdict.verified, true);
    assert.equal(verdict.release?.tag, 'payments-api@1.18.4+chg-1842');
    const exports = (await t.services.log.entries(0, 1000)).filter(
      (entry) => entry.action === 'release.exported',
    );
    assert.equal(exports.length, 2);
  });

  it('carries the change, its risk, the policy text and every gate decision, each attested', async () => {
    const entries = await unzip(archive);
    const manifest = JSON.parse(
      entries.find(([name]) => name === 'manifest.json')?.[1].toString('utf8') ?? '{}',
    );
    assert.equal(manifest.change.id, 'CHG-1842');
    assert.equal(manifest.riskAssessment.changeId, 'CHG-1842');
    assert.equal(manifest.riskHistory.length, 1);
    const policyText = await readFile(REGULATED, 'utf8');
    assert.equal(manifest.policy.name, 'ivd-regulated');
    const policyFile = entries.find(([name]) => name === manifest.policy.path)?.[1];
    assert.equal(policyFile?.toString('utf8'), policyText);
    assert.equal(manifest.gateDecisions.length, 2);
    const [first, second] = manifest.gateDecisions;
    assert.notEqual(first.decisionHash, second.decisionHash);
    for (const record of manifest.gateDecisions) {
      assert.ok(
        entries.some(
          ([name]) => name === `attestations/gate-${record.seq}-${record.environment}.intoto.json`,
        ),
      );
    }
    assert.equal(manifest.signatures.length, 1);
    assert.equal(manifest.signatures[0].signer.fullName, 'Quinn Quality');
    assert.equal(manifest.signatures[0].status, 'valid');
    assert.ok(
      entries.some(
        ([name]) => name === `attestations/signature-${manifest.signatures[0].id}.intoto.json`,
      ),
    );
    assert.equal(manifest.exceptions.length, 1);
    assert.equal(manifest.exceptions[0].state, 'active');
    assert.equal(manifest.exceptions[0].approval.approvedBy, 'user:quinn');
    const report = entries.find(([name]) => name === 'report.html')?.[1].toString('utf8') ?? '';
    assert.match(report, /Quinn Quality/);
    assert.match(report, /Manual regression run recorded in VAL-12/);
    assert.match(report, /CHG-1842/);
    assert.match(report, /ivd-regulated/);
    assert.match(report, /BLOCKED/);
  });

  it('names a gate attestation moved onto another decision of the same release', async () => {
    const entries = await unzip(archive);
    const gates = entries.filter(([name]) => name.startsWith('attestations/gate-'));
    assert.equal(gates.length, 2);
    const [a, b] = gates as [Entry, Entry];
    const swapped = entries.map((entry): Entry => {
      if (entry[0] === a[0]) return [a[0], b[1]];
      if (entry[0] === b[0]) return [b[0], a[1]];
      return entry;
    });
    const verdict = await verifyBytes(await zipOf(swapped));
    assert.equal(verdict.verified, false);
    assert.ok(
      failures(verdict).includes(`${a[0]} | attestation subject`),
      failures(verdict).join('; '),
    );
  });

  it('writes a standalone report: no scripts and nothing loaded from anywhere', async () => {
    const report =
      (await unzip(archive)).find(([name]) => name === 'report.html')?.[1].toString('utf8') ?? '';
    assert.match(report, /<h1>Release dossier: payments-api@1\.18\.4\+chg-1842<\/h1>/);
    assert.match(report, /catch2-failure\.xml/);
    assert.doesNotMatch(report, /<script|<link|src=|url\(|https?:\/\//i);
  });

  it('refuses a checkpoint signed by another key than the pinned one', async () => {
    const stranger = parseVerifierKey(
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    );
    const verdict = await verifyBytes(archive, [stranger]);
    assert.equal(verdict.verified, false);
    assert.ok(failures(verdict).includes('log-proof.json | checkpoint signature'));
    assert.ok(
      failures(verdict).includes('attestations/release.intoto.json | attestation signature'),
    );
  });

  it('names the file and the check when any single byte of any file changes', async () => {
    const entries = await unzip(archive);
    assert.equal(entries.length, 12);
    for (const [index, [name, data]] of entries.entries()) {
      for (const position of [0, Math.floor(data.length / 2), data.length - 1]) {
        const changed = Buffer.from(data);
        changed[position] = (changed[position] ?? 0) ^ 0x01;
        const tampered = entries.map((entry, i): Entry => (i === index ? [name, changed] : entry));
        const verdict = await verifyBytes(await zipOf(tampered));
        assert.equal(
          verdict.verified,
          false,
          `${name} byte ${position} changed but the dossier verified`,
        );
        const named = verdict.checks
          .filter((c) => !c.ok)
          .some(
            (c) =>
              c.target.includes(name) ||
              (name === 'log-proof.json' && c.target.startsWith('audit entry')),
          );
        assert.ok(
          named,
          `${name} byte ${position}: failures do not name it: ${failures(verdict).join('; ')}`,
        );
      }
    }
  });

  it('names a removed file', async () => {
    const entries = await unzip(archive);
    for (const [name] of entries) {
      const verdict = await verifyBytes(await zipOf(entries.filter(([n]) => n !== name)));
      assert.equal(verdict.verified, false, name);
      assert.ok(
        verdict.checks.some((c) => !c.ok && c.target.includes(name)),
        `${name}: ${failures(verdict).join('; ')}`,
      );
    }
  });

  it('names an added file', async () => {
    const entries = await unzip(archive);
    const verdict = await verifyBytes(
      await zipOf([...entries, ['evidence/extra.txt', Buffer.from('slipped in')]]),
    );
    assert.deepEqual(failures(verdict), ['evidence/extra.txt | unlisted file']);
  });

  it('rejects a valid log proof or attestation transplanted from another release’s dossier', async () => {
    const mine = await unzip(archive);
    const theirs = await unzip(other);
    for (const name of ['log-proof.json', 'attestations/release.intoto.json']) {
      const foreign = theirs.find(([n]) => n === name) as Entry;
      const verdict = await verifyBytes(
        await zipOf(mine.map((entry) => (entry[0] === name ? foreign : entry))),
      );
      assert.equal(verdict.verified, false, name);
      assert.ok(failures(verdict).length > 0);
    }
    // The foreign archive on its own is fine: the failure above is the transplant, not its content.
    assert.equal((await verifyBytes(other)).verified, true);
  });

  describe('archive reading is hardened', () => {
    const refused = async (data: Buffer, pattern: RegExp, limits?: ArchiveLimits) => {
      await assert.rejects(
        verifyBytes(data, keys, limits),
        (error: { code?: string; message: string }) => {
          assert.equal(error.code, 'ARCHIVE_UNREADABLE');
          assert.match(error.message, pattern);
          return true;
        },
      );
    };
    const withName = async (safe: string, hostile: string) => {
      const data = await zipOf([[safe, Buffer.from('x')]]);
      return Buffer.from(data.toString('latin1').replaceAll(safe, hostile), 'latin1');
    };

    it('refuses an entry named with .. or an absolute path', async () => {
      await refused(await withName('aa/evil.txt', '../evil.txt'), /\.\./);
      await refused(await withName('xtmp/evil', '/tmp/evil'), /absolute|\/tmp\/evil/);
    });

    it('refuses links and duplicate names', async () => {
      await refused(
        await zipOf([['evidence/link', Buffer.from('/etc/passwd'), 0o120777]]),
        /evidence\/link is a link/,
      );
      await refused(
        await zipOf([
          ['manifest.json', Buffer.from('{}')],
          ['manifest.json', Buffer.from('{}')],
        ]),
        /manifest\.json appears twice/,
      );
    });

    it('refuses a decompression bomb and an archive over the size limit', async () => {
      const zeros = await zipOf([['evidence/zeros', Buffer.alloc(8 * 1024 * 1024)]]);
      await refused(zeros, /expands \d+-fold/, { ...DEFAULT_ARCHIVE_LIMITS, maxRatio: 100 });
      await refused(zeros, /expands to more than/, {
        ...DEFAULT_ARCHIVE_LIMITS,
        maxTotalBytes: 1024 * 1024,
      });
    });

    it('refuses a file that is not a zip', async () => {
      await refused(Buffer.from('not a zip at all'), /not a readable zip archive/);
    });
  });
});
