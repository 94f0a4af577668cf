import { useState } from 'react';
import { errorMessage } from '../../api-client.ts';
import { saveBlob } from '../../save-file.ts';
import { useSession } from '../../session.ts';

/** Exports the release dossier (the export is itself logged) and saves the zip. */
export function DossierDownload({ releaseTag }: { releaseTag: string }) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const file = await client.downloadDossier(releaseTag);
      saveBlob(file.blob, file.fileName);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="dossier-download">
      <button type="button" className="button button-primary" onClick={download} disabled={busy}>
        {busy ? 'Preparing dossier…' : 'Download dossier'}
      </button>
      {error && (
        <p role="alert" className="inline-error">
          {error}
        </p>
      )}
    </div>
  );
}
