import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { generatedReportText } from '../src/evidence/junit/generate-report.ts';
import { startServer } from '../test/support/start-server.ts';
import type { Benchmark } from './benchmark.ts';

const CHROMIUM = process.env.DOSSIER_CHROMIUM ?? '/usr/bin/chromium';
const REPETITIONS = 5;

function cycloneDx(components: number): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: { component: { type: 'application', name: 'bench', version: '1.0.0' } },
    components: Array.from({ length: components }, (_, i) => ({
      type: 'library',
      name: `component-${i}`,
      version: `1.${i}.0`,
      purl: `pkg:npm/component-${i}@1.${i}.0`,
      licenses: [{ license: { id: i % 2 ? 'MIT' : 'Apache-2.0' } }],
    })),
  });
}

/**
 * Release page in Debian's Chromium at 1280×800: from navigation to every evidence row showing
 * its summary line, for a release with 50,000 test cases (one JUnit file) and 5,000 SBOM
 * components, next to a release with 2 cases and 12 components in the same run. The page loads
 * the release, its evidence with summaries, gates, deployments and audit trail over the API.
 * Goal: under 1 s.
 */
export const releasePageBenchmark: Benchmark = {
  name: 'release-page',
  async run({ progress }) {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
    const server = await startServer();
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${server.token}`, ...init.headers },
      });
    const release = async (version: string, junit: string, sbom: string) => {
      const created = await call('/v1/releases', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'bench', version, commit: 'ab'.repeat(20) }),
      });
      const tag = ((await created.json()) as { tag: string }).tag;
      for (const [kind, name, body] of [
        ['junit', 'junit.xml', junit],
        ['sbom', 'bom.cdx.json', sbom],
      ] as const) {
        const response = await call(
          `/v1/releases/${encodeURIComponent(tag)}/evidence?kind=${kind}&name=${name}`,
          { method: 'POST', body },
        );
        if (response.status !== 201) throw new Error(`${name}: ${await response.text()}`);
      }
      return tag;
    };
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      progress('release-page: uploading 50,000 test cases and 5,000 components');
      const big = await release(
        '2.0.0',
        [...generatedReportText({ suites: 1000, casesPerSuite: 50 })].join(''),
        cycloneDx(5_000),
      );
      const small = await release(
        '1.0.0',
        [...generatedReportText({ suites: 1, casesPerSuite: 2 })].join(''),
        cycloneDx(12),
      );
      const page = await (
        await browser.newContext({ viewport: { width: 1280, height: 800 } })
      ).newPage();
      await page.goto(server.url);
      await page.evaluate(
        (token) => sessionStorage.setItem('dossier.apiToken', token),
        server.token,
      );
      const open = async (tag: string) => {
        const start = performance.now();
        await page.goto(`${server.url}/releases/${encodeURIComponent(tag)}`);
        await page.locator('tr.summary-row .summary-line').nth(1).waitFor();
        await page.locator('section.gate-panel, .gates-section .empty-state').first().waitFor();
        return performance.now() - start;
      };
      await open(small);
      await open(big);
      const runs = { big: [] as number[], small: [] as number[] };
      for (let rep = 0; rep < REPETITIONS; rep++) {
        progress(`release-page: repetition ${rep + 1}/${REPETITIONS}`);
        runs.small.push(await open(small));
        runs.big.push(await open(big));
      }
      return [
        {
          id: 'release-page.small',
          label: 'release page shown, 2 cases + 12 components',
          workload: 'Chromium 1280×800, navigation to every summary shown',
          unit: 'ms',
          runs: runs.small,
        },
        {
          id: 'release-page.big',
          label: 'release page shown, 50,000 cases + 5,000 components',
          workload: 'Chromium 1280×800, navigation to every summary shown',
          unit: 'ms',
          runs: runs.big,
          baseline: 'release-page.small',
          note: 'goal: < 1000 ms',
        },
      ];
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};
