/**
 * `npm run bench [-- name…]`: runs the benchmarks in BENCHMARKS (or only the named ones), prints a
 * table of medians with min/max and ratios against baselines measured in the same run, and
 * writes the same results to build/bench/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, ResultRow } from './benchmark.ts';
import { dashboardsBenchmark } from './dashboards.ts';
import { dossierBenchmark } from './dossier.ts';
import { gateBenchmark } from './gate.ts';
import { junitBenchmark } from './junit.ts';
import { loadBenchmark } from './load.ts';
import { logBenchmark } from './log.ts';
import { releasePageBenchmark } from './release-page.ts';
import { sbomBenchmark } from './sbom.ts';
import { sha256Benchmark } from './sha256.ts';
import { MiB, type Summary, secondsSince, summarize } from './stats.ts';
import { uploadBenchmark } from './upload.ts';

/** In running order: baselines first. Add a benchmark here. */
const BENCHMARKS: readonly Benchmark[] = [
  sha256Benchmark,
  uploadBenchmark,
  junitBenchmark,
  sbomBenchmark,
  dossierBenchmark,
  logBenchmark,
  gateBenchmark,
  dashboardsBenchmark,
  releasePageBenchmark,
  loadBenchmark,
];

const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const outputPath = join(projectRoot, 'build', 'bench', 'latest.json');

interface ReportedRow extends ResultRow, Summary {
  /** median / the baseline row's median, when the row names a baseline present in this run. */
  ratio?: number;
}

async function main(names: string[]): Promise<void> {
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    const known = BENCHMARKS.map((b) => b.name).join(', ');
    throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${known}`);
  }
  const selected =
    names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
  const startedAt = new Date();
  const loadAtStart = loadavg()[0] ?? 0;
  const start = process.hrtime.bigint();
  const tempDir = await mkdtemp(join(tmpdir(), 'dossier-bench-'));
  const rows: ResultRow[] = [];
  const progress = (message: string) => process.stderr.write(`  ${message}\n`);
  try {
    for (const benchmark of selected) {
      progress(`[${benchmark.name}]`);
      const began = process.hrtime.bigint();
      rows.push(...(await benchmark.run({ tempDir, progress })));
      progress(`[${benchmark.name}] done in ${secondsSince(began).toFixed(1)} s`);
    }
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  const reported = report(rows);
  const seconds = secondsSince(start);
  const machine = machineInfo(loadAtStart);
  process.stdout.write(`${renderTable(reported, machine, seconds)}\n`);
  await mkdir(join(projectRoot, 'build', 'bench'), { recursive: true });
  const json = {
    startedAt: startedAt.toISOString(),
    durationSeconds: round(seconds),
    machine,
    git: gitInfo(),
    benchmarks: selected.map((b) => b.name),
    rows: reported.map(roundRow),
  };
  await writeFile(outputPath, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`\nwrote ${outputPath}\n`);
}

function report(rows: ResultRow[]): ReportedRow[] {
  const ids = new Set<string>();
  for (const row of rows) {
    if (ids.has(row.id)) throw new Error(`two result rows with id ${row.id}`);
    ids.add(row.id);
  }
  const summaries = new Map(rows.map((row) => [row.id, summarize(row.runs)]));
  return rows.map((row) => {
    const summary = summaries.get(row.id) as Summary;
    const reported: ReportedRow = { ...row, ...summary };
    if (row.baseline !== undefined) {
      const base = rows.find((other) => other.id === row.baseline);
      if (base && base.unit !== row.unit) {
        throw new Error(`${row.id} (${row.unit}) compared with ${base.id} (${base.unit})`);
      }
      const baseSummary = summaries.get(row.baseline);
      if (baseSummary) reported.ratio = summary.median / baseSummary.median;
    }
    return reported;
  });
}

// --- Output -----------------------------------------------------------------------------------

interface MachineInfo {
  node: string;
  platform: string;
  kernel: string;
  cpu: string;
  cores: number;
  memoryMiB: number;
  /** 1-minute load average when the run started and when it ended: other work skews figures. */
  loadAverage: { start: number; end: number };
}

function machineInfo(loadAtStart: number): MachineInfo {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryMiB: Math.round(totalmem() / MiB),
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
  };
}

function gitInfo(): { commit: string; dirty: boolean } | null {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: 'pipe' }).trim();
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain') !== '' };
  } catch {
    return null;
  }
}

function renderTable(rows: ReportedRow[], machine: MachineInfo, seconds: number): string {
  const notes: string[] = [];
  const header = ['measure', 'workload', 'median', 'min', 'max', 'unit', 'vs baseline'];
  const body = rows.map((row) => {
    let label = row.label;
    if (row.note !== undefined) {
      notes.push(row.note);
      label += ` [${notes.length}]`;
    }
    const ratio = row.ratio === undefined ? '' : `${formatNumber(row.ratio)}× ${row.baseline}`;
    return [
      label,
      row.workload,
      formatNumber(row.median),
      formatNumber(row.min),
      formatNumber(row.max),
      row.unit,
      ratio,
    ];
  });
  const numeric = new Set([2, 3, 4]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return numeric.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const runs = rows.map((row) => row.runs.length);
  return [
    `Dossier benchmarks — node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, ` +
      `${machine.platform} ${machine.kernel}; ${seconds.toFixed(1)} s; ` +
      `load average ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end`,
    `median of ${Math.min(...runs)}–${Math.max(...runs)} repetitions per figure; ` +
      'ratios are median / median of the baseline measured in this run',
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...body.map(line),
    ...(notes.length > 0 ? ['', ...notes.map((note, index) => `[${index + 1}] ${note}`)] : []),
  ].join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
}

function roundRow(row: ReportedRow): ReportedRow {
  const rounded: ReportedRow = {
    ...row,
    runs: row.runs.map(round),
    median: round(row.median),
    min: round(row.min),
    max: round(row.max),
  };
  if (row.ratio !== undefined) rounded.ratio = round(row.ratio);
  return rounded;
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
