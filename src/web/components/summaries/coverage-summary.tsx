import { useMemo } from 'react';
import { PercentBar } from './bars.tsx';
import { Fact, Facts, SummarySection } from './facts.tsx';
import type { KindView, SummaryProps } from './kind-view.ts';
import {
  countAt,
  formatCount,
  formatPercent,
  type JsonObject,
  numberAt,
  objectsAt,
  plural,
  textsAt,
} from './summary-data.ts';

const CORE_METRICS = [
  { key: 'lines', label: 'Lines' },
  { key: 'branches', label: 'Branches' },
  { key: 'functions', label: 'Functions' },
] as const;

/** Counted by some formats only (Istanbul, Clover: statements; JaCoCo: instructions). */
const EXTRA_METRICS = [
  { key: 'statements', label: 'Statements' },
  { key: 'instructions', label: 'Instructions' },
] as const;

const LEAST_COVERED = 10;

/** The covered share, or null when nothing was measured (the parser writes null, never 0). */
function ratioOf(holder: JsonObject, metric: string): number | null {
  const total = numberAt(holder, `${metric}Total`);
  if (total === 0) return null;
  return numberAt(holder, metric);
}

function Headline({ summary }: SummaryProps) {
  return (
    <>
      {CORE_METRICS.map((metric) => (
        <span key={metric.key} className="headline-metric" data-metric={metric.key}>
          <span className="headline-metric-name">{metric.label}</span>
          <PercentBar ratio={ratioOf(summary, metric.key)} size="small" />
        </span>
      ))}
      {numberAt(summary, 'fileCount') !== null && (
        <span className="headline-note">{plural(countAt(summary, 'fileCount'), 'file')}</span>
      )}
    </>
  );
}

function Details({ summary }: SummaryProps) {
  const metrics = [
    ...CORE_METRICS,
    ...EXTRA_METRICS.filter((metric) => numberAt(summary, `${metric.key}Total`) !== null),
  ];
  const files = useMemo(() => leastCovered(objectsAt(summary, 'files')), [summary]);
  const fileCount = countAt(summary, 'fileCount');
  const sources = textsAt(summary, 'sources');
  return (
    <>
      <SummarySection title="Coverage">
        <table className="detail-table metric-table">
          <caption className="visually-hidden">Coverage by metric</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Covered</th>
              <th scope="col" className="numeric">
                Covered of total
              </th>
            </tr>
          </thead>
          <tbody>
            {metrics.map((metric) => {
              const ratio = ratioOf(summary, metric.key);
              return (
                <tr key={metric.key} data-metric={metric.key}>
                  <th scope="row">{metric.label}</th>
                  <td>
                    <PercentBar ratio={ratio} />
                  </td>
                  <td className="numeric">
                    {ratio === null ? (
                      <span className="muted">none instrumented</span>
                    ) : (
                      `${formatCount(countAt(summary, `${metric.key}Covered`))} of ${formatCount(countAt(summary, `${metric.key}Total`))}`
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <Facts>
          <Fact name="Files">{formatCount(fileCount)}</Fact>
          <Fact name="Source roots">{sources.length > 0 ? sources.join(', ') : null}</Fact>
        </Facts>
      </SummarySection>

      {files.length > 0 && (
        <SummarySection
          title={
            fileCount > files.length
              ? `The ${files.length} least-covered files of ${formatCount(fileCount)}`
              : 'Files, least covered first'
          }
        >
          <div className="detail-table-wrap">
            <table className="detail-table file-table">
              <caption className="visually-hidden">Least-covered files</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col" className="col-bar">
                    Lines
                  </th>
                  <th scope="col" className="numeric">
                    Lines missed
                  </th>
                  <th scope="col" className="numeric">
                    Branches
                  </th>
                  <th scope="col" className="numeric">
                    Functions
                  </th>
                </tr>
              </thead>
              <tbody>
                {files.map((file, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: paths may repeat across source roots
                  <tr key={index}>
                    <td className="file-path">{String(file.path ?? '')}</td>
                    <td>
                      <PercentBar ratio={ratioOf(file, 'lines')} size="small" />
                    </td>
                    <td className="numeric">
                      {formatCount(countAt(file, 'linesTotal') - countAt(file, 'linesCovered'))}
                    </td>
                    <td className="numeric">
                      <PercentText ratio={ratioOf(file, 'branches')} />
                    </td>
                    <td className="numeric">
                      <PercentText ratio={ratioOf(file, 'functions')} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </SummarySection>
      )}
    </>
  );
}

function PercentText({ ratio }: { ratio: number | null }) {
  if (ratio === null) return <span className="muted">not measured</span>;
  return <>{formatPercent(ratio)}</>;
}

/**
 * The files a reviewer should look at first: lowest line coverage, then most lines missed.
 * Files with no measured lines rank by branches, then functions, and come after all others
 * when nothing in them was measured.
 */
function leastCovered(files: readonly JsonObject[]): JsonObject[] {
  const ranked = files.map((file) => {
    const ratio = ratioOf(file, 'lines') ?? ratioOf(file, 'branches') ?? ratioOf(file, 'functions');
    const missed = countAt(file, 'linesTotal') - countAt(file, 'linesCovered');
    return { file, ratio: ratio ?? Number.POSITIVE_INFINITY, missed };
  });
  ranked.sort((a, b) => a.ratio - b.ratio || b.missed - a.missed);
  return ranked.slice(0, LEAST_COVERED).map(({ file }) => file);
}

export const coverageView: KindView = { Headline, Details };
