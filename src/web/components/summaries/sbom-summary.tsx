import { useMemo } from 'react';
import { DigestLabel } from '../digest-label.tsx';
import { PercentBar } from './bars.tsx';
import { Fact, Facts, SummarySection } from './facts.tsx';
import type { KindView, SummaryProps } from './kind-view.ts';
import { Paged } from './paged.tsx';
import {
  countAt,
  formatCount,
  isObject,
  type JsonObject,
  numberAt,
  objectAt,
  objectsAt,
  plural,
  textAt,
  textsAt,
} from './summary-data.ts';

const FORMAT_NAMES: Readonly<Record<string, string>> = { cyclonedx: 'CycloneDX', spdx: 'SPDX' };
const SERIALIZATIONS: Readonly<Record<string, string>> = {
  json: 'JSON',
  xml: 'XML',
  'tag-value': 'tag-value',
  'json-ld': 'JSON-LD',
};
const TOP_LICENSES = 10;

/** "CycloneDX 1.5 (JSON)". */
function formatName(summary: JsonObject): string | null {
  const format = textAt(summary, 'format');
  if (format === null) return null;
  const spec = textAt(summary, 'specVersion');
  const serialization = textAt(summary, 'serialization');
  const name = `${FORMAT_NAMES[format] ?? format}${spec ? ` ${spec}` : ''}`;
  return serialization ? `${name} (${SERIALIZATIONS[serialization] ?? serialization})` : name;
}

/** "payments-api 1.18.4". */
function subjectName(summary: JsonObject): string | null {
  const subject = objectAt(summary, 'subject');
  const name = textAt(subject, 'name');
  if (name === null) return null;
  const version = textAt(subject, 'version');
  return version ? `${name} ${version}` : name;
}

interface LicenseRow {
  license: string;
  count: number;
  /** Not a license but the lack of one (unstated, NOASSERTION). */
  absence?: true;
}

/**
 * Licenses by how many components carry them: SPDX expressions and free-text names together.
 * Reads `licenses.expressions` and `licenses.names`, or a flat `{ expression: count }` record.
 */
function licenseRows(summary: JsonObject): LicenseRow[] {
  const licenses = objectAt(summary, 'licenses');
  if (licenses === null) return [];
  const flat = !isObject(licenses.expressions) && !isObject(licenses.names);
  const groups = flat
    ? [licenses]
    : [objectAt(licenses, 'expressions'), objectAt(licenses, 'names')];
  const rows: LicenseRow[] = [];
  for (const group of groups) {
    for (const [license, count] of Object.entries(group ?? {})) {
      if (typeof count === 'number' && count > 0) rows.push({ license, count });
    }
  }
  rows.sort((a, b) => b.count - a.count || a.license.localeCompare(b.license));
  const top = rows.slice(0, TOP_LICENSES);
  if (!flat) {
    const absent: Array<[string, string]> = [
      ['unstated', 'no license stated'],
      ['noAssertion', 'NOASSERTION (no claim made)'],
      ['none', 'NONE (declared unlicensed)'],
      ['other', 'other licenses (beyond the counted ones)'],
    ];
    for (const [key, label] of absent) {
      const count = countAt(licenses, key);
      if (count > 0) top.push({ license: label, count, absence: true });
    }
  }
  return top;
}

function Headline({ summary }: SummaryProps) {
  const format = formatName(summary);
  const subject = subjectName(summary);
  return (
    <>
      {format && <span className="headline-pill">{format}</span>}
      <span className="headline-note">
        <strong>{formatCount(countAt(summary, 'components'))}</strong>{' '}
        {countAt(summary, 'components') === 1 ? 'component' : 'components'}
      </span>
      <span className="headline-note">
        <strong>{formatCount(countAt(summary, 'dependencies'))}</strong> dependency{' '}
        {countAt(summary, 'dependencies') === 1 ? 'edge' : 'edges'}
      </span>
      {subject && <span className="headline-note muted">describes {subject}</span>}
    </>
  );
}

function Details({ summary }: SummaryProps) {
  const components = countAt(summary, 'components');
  const licenses = useMemo(() => licenseRows(summary), [summary]);
  const componentList = objectsAt(summary, 'componentList');
  const omitted = countAt(summary, 'componentListOmitted');
  const subject = objectAt(summary, 'subject');
  const hashes = Object.entries(objectAt(subject, 'hashes') ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
  );
  const tools = textsAt(summary, 'tools');
  return (
    <>
      <SummarySection title="Bill of materials">
        <Facts>
          <Fact name="Format">{formatName(summary)}</Fact>
          <Fact name="Describes">
            {subjectName(summary) ?? <span className="muted">not stated</span>}
          </Fact>
          <Fact name="Subject type">{textAt(subject, 'type')}</Fact>
          <Fact name="Subject purl">
            {textAt(subject, 'purl') ? (
              <code className="wrap-anywhere">{textAt(subject, 'purl')}</code>
            ) : null}
          </Fact>
          <Fact name="Subject digests">
            {hashes.length === 0 ? null : (
              <ul className="plain-list">
                {hashes.map(([algorithm, hex]) => (
                  <li key={algorithm}>
                    <DigestLabel
                      value={`${algorithm}:${hex}`}
                      label={`${algorithm} of the SBOM subject`}
                    />
                  </li>
                ))}
              </ul>
            )}
          </Fact>
          <Fact name="Components">{formatCount(components)}</Fact>
          <Fact name="Dependency edges">{formatCount(countAt(summary, 'dependencies'))}</Fact>
          <Fact name="With a package URL">
            {numberAt(summary, 'purls') === null ? null : formatCount(countAt(summary, 'purls'))}
          </Fact>
          <Fact name="Made by">{tools.length > 0 ? tools.join(', ') : null}</Fact>
        </Facts>
      </SummarySection>

      {licenses.length > 0 && (
        <SummarySection title="Licenses, most common first">
          <table className="detail-table license-table">
            <caption className="visually-hidden">Most common licenses</caption>
            <thead>
              <tr>
                <th scope="col">License</th>
                <th scope="col" className="numeric">
                  Components
                </th>
                <th scope="col">Share of components</th>
              </tr>
            </thead>
            <tbody>
              {licenses.map((row) => (
                <tr key={row.license}>
                  <td>
                    {row.absence ? (
                      <span className="muted">{row.license}</span>
                    ) : (
                      <code>{row.license}</code>
                    )}
                  </td>
                  <td className="numeric">{formatCount(row.count)}</td>
                  <td>
                    <PercentBar
                      ratio={components > 0 ? Math.min(1, row.count / components) : null}
                      size="small"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </SummarySection>
      )}

      <SummarySection
        title="Components"
        extra={<span className="count">{formatCount(components)}</span>}
      >
        {componentList.length === 0 ? (
          <p className="muted">The SBOM lists no components.</p>
        ) : (
          <Paged items={componentList} noun="components">
            {(page) => <ComponentTable components={page} />}
          </Paged>
        )}
        {omitted > 0 && (
          <p className="muted">
            {plural(omitted, 'more component')} counted but not listed in the summary.
          </p>
        )}
      </SummarySection>
    </>
  );
}

function ComponentTable({ components }: { components: readonly JsonObject[] }) {
  return (
    <div className="detail-table-wrap">
      <table className="detail-table component-table">
        <caption className="visually-hidden">Components</caption>
        <thead>
          <tr>
            <th scope="col" className="col-component">
              Component
            </th>
            <th scope="col" className="col-version">
              Version
            </th>
            <th scope="col" className="col-licenses">
              Licenses
            </th>
            <th scope="col">Package URL</th>
          </tr>
        </thead>
        <tbody>
          {components.map((component, index) => {
            const group = textAt(component, 'group');
            const name = textAt(component, 'name') ?? '(unnamed)';
            const licenses = textsAt(component, 'licenses');
            const purl = textAt(component, 'purl');
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: names and purls may repeat
              <tr key={index}>
                <td className="package-name">
                  {group && <span className="muted">{group}/</span>}
                  {name}
                </td>
                <td className="version">{textAt(component, 'version') ?? '—'}</td>
                <td>
                  {licenses.length > 0 ? (
                    licenses.join(', ')
                  ) : (
                    <span className="muted">none stated</span>
                  )}
                </td>
                <td className="purl">
                  {purl ? (
                    <code className="wrap-code">{purl}</code>
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

export const sbomView: KindView = { Headline, Details };
