import { useMemo } from 'react';
import { type ChipCount, CountChips, ToneBadge } from './count-chips.tsx';
import { Fact, Facts, SummarySection } from './facts.tsx';
import type { KindView, SummaryProps } from './kind-view.ts';
import { LongText } from './long-text.tsx';
import { Paged } from './paged.tsx';
import {
  byRankDescending,
  countAt,
  formatCount,
  type JsonObject,
  numberAt,
  objectAt,
  objectsAt,
  plural,
  textAt,
  textsAt,
} from './summary-data.ts';
import { severityRank, severityTone } from './tone.ts';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;

/** Counts by severity; "unknown" only when some finding has no rating. */
function severityCounts(holder: JsonObject | null): ChipCount[] {
  return SEVERITIES.map((key) => ({
    key,
    label: key,
    tone: severityTone(key),
    value: countAt(holder, key),
  })).filter((count) => count.key !== 'unknown' || count.value > 0);
}

function scannerName(summary: JsonObject): string | null {
  const scanner = objectAt(summary, 'scanner');
  const name = textAt(scanner, 'name');
  if (name === null) return null;
  const version = textAt(scanner, 'version');
  return version ? `${name} ${version}` : name;
}

function Headline({ summary }: SummaryProps) {
  const scanner = scannerName(summary);
  return (
    <>
      <CountChips label="Vulnerabilities by severity" counts={severityCounts(summary)} />
      <span className="headline-note">
        {plural(countAt(summary, 'total'), 'vulnerability', 'vulnerabilities')}
        {numberAt(summary, 'fixable') !== null &&
          `, ${formatCount(countAt(summary, 'fixable'))} fixable`}
      </span>
      {scanner && <span className="headline-note muted">{scanner}</span>}
    </>
  );
}

function Details({ summary }: SummaryProps) {
  const vulnerabilities = useMemo(
    () =>
      byRankDescending(objectsAt(summary, 'vulnerabilities'), (entry) =>
        severityRank(textAt(entry, 'severity')),
      ),
    [summary],
  );
  const omitted = countAt(summary, 'vulnerabilitiesOmitted');
  const misconfigurations = objectAt(summary, 'misconfigurations');
  const secrets = objectAt(summary, 'secrets');
  return (
    <>
      <SummarySection title="Vulnerabilities">
        <CountChips label="Vulnerabilities by severity" counts={severityCounts(summary)} />
        <Facts>
          <Fact name="Scanner">{scannerName(summary)}</Fact>
          <Fact name="Target">{textAt(summary, 'target')}</Fact>
          <Fact name="Vulnerabilities">{formatCount(countAt(summary, 'total'))}</Fact>
          <Fact name="With a fixed version">
            {numberAt(summary, 'fixable') === null
              ? null
              : formatCount(countAt(summary, 'fixable'))}
          </Fact>
          <Fact name="Suppressed by the scanner">
            {countAt(summary, 'suppressed') > 0
              ? formatCount(countAt(summary, 'suppressed'))
              : null}
          </Fact>
          <Fact name="Repeats counted once">
            {countAt(summary, 'duplicates') > 0
              ? formatCount(countAt(summary, 'duplicates'))
              : null}
          </Fact>
        </Facts>
        {countAt(misconfigurations, 'total') > 0 && (
          <div className="chip-group">
            <span className="chip-group-label">Misconfigurations</span>
            <CountChips
              label="Misconfigurations by severity"
              counts={severityCounts(misconfigurations)}
            />
          </div>
        )}
        {countAt(secrets, 'total') > 0 && (
          <div className="chip-group">
            <span className="chip-group-label">Secrets</span>
            <CountChips label="Secrets by severity" counts={severityCounts(secrets)} />
          </div>
        )}
      </SummarySection>

      <SummarySection
        title="Vulnerabilities, most severe first"
        extra={<span className="count">{formatCount(countAt(summary, 'total'))}</span>}
      >
        {vulnerabilities.length === 0 ? (
          <p className="all-clear">No vulnerabilities reported.</p>
        ) : (
          <Paged items={vulnerabilities} noun="vulnerabilities">
            {(page) => <VulnerabilityTable vulnerabilities={page} />}
          </Paged>
        )}
        {omitted > 0 && (
          <p className="muted">
            {plural(omitted, 'more vulnerability', 'more vulnerabilities')} counted but not listed
            in the summary.
          </p>
        )}
      </SummarySection>
    </>
  );
}

function VulnerabilityTable({ vulnerabilities }: { vulnerabilities: readonly JsonObject[] }) {
  return (
    <div className="detail-table-wrap">
      <table className="detail-table vulnerability-table">
        <caption className="visually-hidden">Vulnerabilities</caption>
        <thead>
          <tr>
            <th scope="col" className="col-status">
              Severity
            </th>
            <th scope="col" className="col-vulnerability">
              Vulnerability
            </th>
            <th scope="col">Package</th>
            <th scope="col">Installed</th>
            <th scope="col">Fixed in</th>
          </tr>
        </thead>
        <tbody>
          {vulnerabilities.map((entry, index) => {
            const severity = textAt(entry, 'severity') ?? 'unknown';
            const aliases = textsAt(entry, 'aliases');
            const title = textAt(entry, 'title');
            const id = textAt(entry, 'id') ?? '—';
            const fixed = textAt(entry, 'fixedVersion');
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: one id may hit several packages
              <tr key={index}>
                <td>
                  <ToneBadge tone={severityTone(severity)}>{severity}</ToneBadge>
                </td>
                <td className="vulnerability-id">
                  <code className="wrap-code">{id}</code>
                  {title && (
                    <div className="case-where">
                      <LongText text={title} limit={160} lines={2} what={`description of ${id}`} />
                    </div>
                  )}
                  {aliases.length > 0 && (
                    <span className="case-where">also {aliases.join(', ')}</span>
                  )}
                </td>
                <td className="package-name">{textAt(entry, 'package') ?? '—'}</td>
                <td className="version">{textAt(entry, 'version') ?? '—'}</td>
                <td className="version">{fixed ?? <span className="muted">no fix listed</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export const vulnScanView: KindView = { Headline, Details };
