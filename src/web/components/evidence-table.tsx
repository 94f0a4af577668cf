import { useState } from 'react';
import { ApiError, type Evidence } from '../api-client.ts';
import { formatBytes, formatExactBytes } from '../format.ts';
import { saveBlob } from '../save-file.ts';
import { useSession } from '../session.ts';
import { DigestLabel } from './digest-label.tsx';
import { EvidenceSummary } from './summaries/evidence-summary.tsx';
import { Timestamp } from './timestamp.tsx';

/** Columns of an evidence row; the summary row under it spans them all. */
const COLUMNS = 7;

interface EvidenceTableProps {
  items: Evidence[];
  caption: string;
}

export function EvidenceTable({ items, caption }: EvidenceTableProps) {
  return (
    <div className="table-wrap">
      <table className="data-table evidence-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">File name</th>
            <th scope="col" className="numeric">
              Size
            </th>
            <th scope="col">SHA-256</th>
            <th scope="col">Submitted by</th>
            <th scope="col">Submitted (UTC)</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        {items.map((evidence) => (
          // One group per file: its row, then what the server read from it.
          <tbody key={evidence.id} className="evidence-group">
            <tr className="evidence-row" data-evidence-id={evidence.id}>
              <td>
                <span className="kind">{evidence.kind}</span>
              </td>
              <td className="file-name">{evidence.name}</td>
              <td className="numeric nowrap">
                <span title={formatExactBytes(evidence.size)} data-bytes={evidence.size}>
                  {formatBytes(evidence.size)}
                </span>
              </td>
              <td>
                <DigestLabel value={evidence.sha256} label={`SHA-256 of ${evidence.name}`} />
              </td>
              <td>{evidence.submittedBy}</td>
              <td className="nowrap">
                <Timestamp iso={evidence.submittedAt} />
              </td>
              <td className="actions">
                <DownloadButton evidence={evidence} />
              </td>
            </tr>
            <tr className="summary-row" data-summary-for={evidence.id}>
              <td colSpan={COLUMNS}>
                <EvidenceSummary evidence={evidence} />
              </td>
            </tr>
          </tbody>
        ))}
      </table>
    </div>
  );
}

function DownloadButton({ evidence }: { evidence: Evidence }) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const blob = await client.downloadBlob(evidence.sha256);
      saveBlob(blob, evidence.name);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The download failed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className="button button-small"
        onClick={download}
        disabled={busy}
        aria-label={`Download ${evidence.name}`}
      >
        {busy ? 'Downloading…' : 'Download'}
      </button>
      {error && (
        <p role="alert" className="inline-error">
          {error}
        </p>
      )}
    </>
  );
}
