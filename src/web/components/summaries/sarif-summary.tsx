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
  objectsAt,
  plural,
  textAt,
} from './summary-data.ts';
import { severityRank, severityTone, type Tone } from './tone.ts';

const LEVELS: ReadonlyArray<{ key: string; tone: Tone }> = [
  { key: 'error', tone: 'danger' },
  { key: 'warning', tone: 'warning' },
  { key: 'note', tone: 'info' },
  { key: 'none', tone: 'neutral' },
];
const LEVEL_RANKS: Readonly<Record<string, number>> = { error: 3, warning: 2, note: 1 };
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
const TOP_RULES = 10;

function levelTone(level: string | null): Tone {
  return LEVELS.find((entry) => entry.key === level)?.tone ?? 'neutral';
}

function levelCounts(summary: JsonObject): ChipCount[] {
  return LEVELS.map(({ key, tone }) => ({ key, label: key, tone, value: countAt(summary, key) }));
}

function severityCounts(summary: JsonObject): ChipCount[] {
  return SEVERITIES.map((key) => ({
    key,
    label: key,
    tone: severityTone(key),
    value: countAt(summary, key),
  }));
}

function toolNames(summary: JsonObject): string[] {
  const names = objectsAt(summary, 'tools').map((tool) => {
    const name = textAt(tool, 'name') ?? 'unnamed tool';
    const version = textAt(tool, 'semanticVersion') ?? textAt(tool, 'version');
    return version ? `${name} ${version}` : name;
  });
  return [...new Set(names)];
}

/** Security severity first (what a reviewer gates on), then the SARIF level. */
function findingRank(finding: JsonObject): number {
  const severity = severityRank(textAt(finding, 'securitySeverity'));
  return severity * 10 + (LEVEL_RANKS[textAt(finding, 'level') ?? ''] ?? 0);
}

function Headline({ summary }: SummaryProps) {
  const severities = severityCounts(summary);
  const rated = severities.some((count) => count.value > 0);
  const tools = toolNames(summary);
  return (
    <>
      <span className="headline-note">{plural(countAt(summary, 'open'), 'open result')}</span>
      {rated && (
        <span className="chip-group">
          <span className="chip-group-label">Security</span>
          <CountChips label="Open results by security severity" counts={severities} />
        </span>
      )}
      <span className="chip-group">
        <span className="chip-group-label">Level</span>
        <CountChips
          label="Open results by level"
          counts={levelCounts(summary).filter((count) => count.key !== 'none' || count.value > 0)}
        />
      </span>
      {tools.length > 0 && <span className="headline-note muted">{tools.join(', ')}</span>}
    </>
  );
}

function Details({ summary }: SummaryProps) {
  const findings = useMemo(
    () => byRankDescending(objectsAt(summary, 'findings'), findingRank),
    [summary],
  );
  const rules = objectsAt(summary, 'rules').slice(0, TOP_RULES);
  const findingsOmitted = countAt(summary, 'findingsOmitted');
  const tools = toolNames(summary);
  return (
    <>
      <SummarySection title="Open results">
        <div className="chip-groups">
          <div className="chip-group">
            <span className="chip-group-label">By security severity</span>
            <CountChips
              label="Open results by security severity"
              counts={severityCounts(summary)}
            />
          </div>
          <div className="chip-group">
            <span className="chip-group-label">By level</span>
            <CountChips label="Open results by level" counts={levelCounts(summary)} />
          </div>
        </div>
        <Facts>
          <Fact name={tools.length === 1 ? 'Tool' : 'Tools'}>
            {tools.length > 0 ? tools.join(', ') : null}
          </Fact>
          <Fact name="Results">
            {`${formatCount(countAt(summary, 'results'))} (${formatCount(countAt(summary, 'open'))} open, ${formatCount(countAt(summary, 'suppressed'))} suppressed)`}
          </Fact>
          <Fact name="Runs">
            {numberAt(summary, 'runs') === null ? null : formatCount(countAt(summary, 'runs'))}
          </Fact>
          <Fact name="SARIF version">{textAt(summary, 'version')}</Fact>
        </Facts>
      </SummarySection>

      {rules.length > 0 && (
        <SummarySection title="Rules with the most findings">
          <div className="detail-table-wrap">
            <table className="detail-table rule-table">
              <caption className="visually-hidden">Rules with the most findings</caption>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Severity</th>
                  <th scope="col" className="numeric">
                    Findings
                  </th>
                </tr>
              </thead>
              <tbody>
                {rules.map((rule, index) => {
                  const id = textAt(rule, 'id') ?? '';
                  const name = textAt(rule, 'name');
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: two tools may share a rule id
                    <tr key={index}>
                      <td>
                        <RuleId id={id} />
                        {name && name !== id && <span className="case-where">{name}</span>}
                      </td>
                      <td>
                        <SeverityBadges
                          severity={textAt(rule, 'securitySeverity')}
                          level={textAt(rule, 'level')}
                        />
                      </td>
                      <td className="numeric">{formatCount(countAt(rule, 'count'))}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </SummarySection>
      )}

      <SummarySection
        title="Findings, most severe first"
        extra={<span className="count">{formatCount(findings.length + findingsOmitted)}</span>}
      >
        {findings.length === 0 ? (
          <p className="all-clear">No open findings.</p>
        ) : (
          <Paged items={findings} noun="findings">
            {(page, offset) => <FindingTable findings={page} offset={offset} />}
          </Paged>
        )}
        {findingsOmitted > 0 && (
          <p className="muted">
            {plural(findingsOmitted, 'more finding')} counted but not listed in the summary.
          </p>
        )}
      </SummarySection>
    </>
  );
}

/**
 * A rule id. Some tools namespace theirs at length (Semgrep's run past 150 characters): the last
 * segment, which names the check, comes first; the namespace follows on one clipped line.
 */
function RuleId({ id }: { id: string | null }) {
  if (id === null) return <span className="muted">—</span>;
  const dot = id.lastIndexOf('.');
  if (id.length <= 48 || dot <= 0 || dot === id.length - 1) {
    return <code className="wrap-code">{id}</code>;
  }
  return (
    <>
      <code className="wrap-code" title={id}>
        {id.slice(dot + 1)}
      </code>
      <span className="rule-namespace">{id.slice(0, dot)}</span>
    </>
  );
}

function SeverityBadges({ severity, level }: { severity: string | null; level: string | null }) {
  return (
    <span className="badge-stack">
      {severity && <ToneBadge tone={severityTone(severity)}>{severity}</ToneBadge>}
      {level && <span className={`level-label level-${levelTone(level)}`}>{level}</span>}
    </span>
  );
}

function FindingTable({ findings, offset }: { findings: readonly JsonObject[]; offset: number }) {
  return (
    <div className="detail-table-wrap">
      <table className="detail-table finding-table">
        <caption className="visually-hidden">Findings</caption>
        <thead>
          <tr>
            <th scope="col" className="col-status">
              Severity
            </th>
            <th scope="col" className="col-rule">
              Rule
            </th>
            <th scope="col">Message</th>
            <th scope="col" className="col-location">
              Location
            </th>
          </tr>
        </thead>
        <tbody>
          {findings.map((finding, index) => {
            const uri = textAt(finding, 'uri');
            const line = numberAt(finding, 'startLine');
            const message = textAt(finding, 'message');
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: findings have no id of their own
              <tr key={index}>
                <td>
                  <SeverityBadges
                    severity={textAt(finding, 'securitySeverity')}
                    level={textAt(finding, 'level')}
                  />
                </td>
                <td>
                  <RuleId id={textAt(finding, 'ruleId')} />
                </td>
                <td>
                  {message ? (
                    <LongText
                      text={message}
                      limit={200}
                      lines={2}
                      what={`message of finding ${offset + index + 1}`}
                    />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="file-path">
                  {uri ? (
                    `${uri}${line === null ? '' : `:${line}`}`
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export const sarifView: KindView = { Headline, Details };
