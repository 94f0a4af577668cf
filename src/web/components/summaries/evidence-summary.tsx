import { useId, useState } from 'react';
import type { Evidence } from '../../api-client.ts';
import { CountChips } from './count-chips.tsx';
import { coverageView } from './coverage-summary.tsx';
import { genericView } from './generic-summary.tsx';
import { junitView } from './junit-summary.tsx';
import type { KindView } from './kind-view.ts';
import { provenanceView } from './provenance-summary.tsx';
import { sarifView } from './sarif-summary.tsx';
import { sbomView } from './sbom-summary.tsx';
import { warningsOf } from './summary-data.ts';
import { vexView } from './vex-summary.tsx';
import { vulnScanView } from './vuln-scan-summary.tsx';
import { WarningNote } from './warning-note.tsx';

/**
 * The one place that picks a view, and only by the evidence's kind: each kind's parsers all
 * produce that kind's summary shape, whatever the file format.
 */
const VIEWS: Partial<Record<Evidence['kind'], KindView>> = {
  junit: junitView,
  coverage: coverageView,
  sarif: sarifView,
  'vuln-scan': vulnScanView,
  vex: vexView,
  sbom: sbomView,
  provenance: provenanceView,
};

/**
 * What the server read from an evidence file: the headline figures, always visible, and the
 * details behind a disclosure button. A file no parser recognized says it is stored unparsed.
 */
export function EvidenceSummary({ evidence }: { evidence: Evidence }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const { summary } = evidence;

  if (summary === null) {
    return (
      <div className="summary-line is-unparsed">
        <span className="unparsed-label">Stored unparsed</span>
        <span className="muted">Dossier keeps the file as evidence but has no summary of it.</span>
      </div>
    );
  }

  const view = VIEWS[evidence.kind] ?? genericView;
  const warnings = warningsOf(summary);
  return (
    <div className="evidence-summary" data-summary-kind={evidence.kind}>
      <div className="summary-line">
        <button
          type="button"
          className="disclosure"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen(!open)}
        >
          <span className="disclosure-icon" aria-hidden="true" />
          Details<span className="visually-hidden"> of {evidence.name}</span>
        </button>
        {evidence.format && (
          <span className="format-label" title="Format the server recognized">
            {evidence.format}
          </span>
        )}
        <view.Headline summary={summary} />
        <CountChips
          label="Parser warnings"
          counts={[
            {
              key: 'warnings',
              label: warnings.length === 1 ? 'warning' : 'warnings',
              tone: 'warning',
              value: warnings.length,
            },
          ]}
          hideZero
        />
      </div>
      <section
        id={detailsId}
        className="summary-details"
        aria-label={`Summary of ${evidence.name}`}
        hidden={!open}
      >
        {open && (
          <>
            {view.Lead && <view.Lead summary={summary} />}
            <WarningNote warnings={warnings} />
            <view.Details summary={summary} />
          </>
        )}
      </section>
    </div>
  );
}
