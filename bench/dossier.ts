import { createReadStream, createWriteStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Actor } from '../src/core/actor.ts';
import { parseVerifierKey } from '../src/core/audit-log/signed-note.ts';
import { verifyDossier } from '../src/core/dossier/verify-dossier.ts';
import { generatedReportText } from '../src/evidence/junit/generate-report.ts';
import { readDossierArchive } from '../src/service/export/read-dossier-archive.ts';
import { openDataDir } from '../src/service/open-data-dir.ts';
import type { Benchmark } from './benchmark.ts';
import { secondsSince } from './stats.ts';

const RUNS = 3;
const admin: Actor = { id: 'token:bench', roles: ['admin'] };

function cycloneDx(index: number, components: number): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    version: 1,
    metadata: { component: { type: 'application', name: `image-${index}`, version: '1.18.4' } },
    components: Array.from({ length: components }, (_, i) => ({
      type: 'library',
      'bom-ref': `pkg:npm/lib-${index}-${i}@1.${i % 10}.0`,
      name: `lib-${index}-${i}`,
      version: `1.${i % 10}.0`,
      purl: `pkg:npm/lib-${index}-${i}@1.${i % 10}.0`,
      licenses: [{ license: { id: i % 3 === 0 ? 'MIT' : 'Apache-2.0' } }],
    })),
    dependencies: Array.from({ length: components }, (_, i) => ({
      ref: `pkg:npm/lib-${index}-${i}@1.${i % 10}.0`,
      dependsOn: i > 0 ? [`pkg:npm/lib-${index}-${i - 1}@1.${(i - 1) % 10}.0`] : [],
    })),
  });
}

/**
 * The release dossier for a large release: 50,000 test cases (one JUnit report) and five
 * SBOMs of 2,000 components each. Export (write the archive) and offline verify, each timed
 * end to end; goal: each under 2 s.
 */
export const dossierBenchmark: Benchmark = {
  name: 'dossier',
  async run({ tempDir, progress }) {
    const services = await openDataDir({
      dataDir: join(tempDir, 'dossier'),
      maxUploadBytes: 512 * 1024 * 1024,
    });
    try {
      const { release } = await services.releases.create(admin, {
        service: 'payments-api',
        version: '1.18.4',
        commit: 'a'.repeat(40),
        artifacts: [`sha256:${'b'.repeat(64)}`],
      });
      const junitPath = join(tempDir, 'junit-50k.xml');
      await writeFile(
        junitPath,
        [...generatedReportText({ suites: 1000, casesPerSuite: 50 })].join(''),
      );
      await services.evidence.attach(admin, {
        release: release.id,
        kind: 'junit',
        name: 'junit-50k.xml',
        body: createReadStream(junitPath),
      });
      for (let i = 0; i < 5; i++) {
        await services.evidence.attach(admin, {
          release: release.id,
          kind: 'sbom',
          name: `sbom-${i}.cdx.json`,
          body: (async function* () {
            yield Buffer.from(cycloneDx(i, 2000));
          })(),
        });
      }
      const keys = services.log.keys().keys.map((key) => parseVerifierKey(key.verifierKey));
      const exportTimes: number[] = [];
      const verifyTimes: number[] = [];
      let archiveBytes = 0;
      for (let run = 1; run <= RUNS; run++) {
        const path = join(tempDir, `dossier-${run}.zip`);
        const exportStart = process.hrtime.bigint();
        const exported = await services.dossier.export(admin, release.id);
        await pipeline(exported.stream, createWriteStream(path));
        exportTimes.push(secondsSince(exportStart));
        archiveBytes = (await stat(path)).size;
        const verifyStart = process.hrtime.bigint();
        const verdict = verifyDossier(await readDossierArchive(path), keys);
        verifyTimes.push(secondsSince(verifyStart));
        if (!verdict.verified)
          throw new Error(
            `dossier did not verify: ${JSON.stringify(verdict.checks.filter((c) => !c.ok))}`,
          );
        progress(
          `dossier ${run}/${RUNS}: export ${exportTimes.at(-1)?.toFixed(2)} s, verify ${verifyTimes.at(-1)?.toFixed(2)} s`,
        );
      }
      const workload = `50,000 test cases + 5 SBOMs × 2,000 components; archive ${(archiveBytes / 1024 / 1024).toFixed(1)} MiB`;
      return [
        {
          id: 'dossier.export',
          label: 'dossier export (write archive)',
          workload,
          unit: 's',
          runs: exportTimes,
          note: 'goal: under 2 s',
        },
        {
          id: 'dossier.verify',
          label: 'dossier verify (offline, every check)',
          workload,
          unit: 's',
          runs: verifyTimes,
          note: 'goal: under 2 s',
        },
      ];
    } finally {
      await services.close();
    }
  },
};
