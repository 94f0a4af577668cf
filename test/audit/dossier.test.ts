import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/core/actor.ts';
import { parseVerifierKey, type VerifierKey } from '../../src/core/audit-log/signed-note.ts';
import { type DossierVerdict, verifyDossier } from '../../src/core/dossier/verify-dossier.ts';
import {
  type ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  readDossierArchive,
} from '../../src/service/export/read-dossier-archive.ts';
import { corpusPath } from '../support/corpus.ts';
import { bytes, openTestServices, type TestServices } from '../support/services.ts';
import { type Entry, unzip, zipOf } from '../support/zip.ts';

const admin: Actor = { id: 'token:qa-lead', roles: ['admin'] };
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
    assert.equal(names.filter((name) => name.startsWith('evidence/')).length, 3);
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
    assert.equal(entries.length, 7);
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
