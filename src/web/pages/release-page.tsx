import { type ReactNode, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, type Evidence, errorMessage, type Release } from '../api-client.ts';
import { DigestLabel } from '../components/digest-label.tsx';
import { EvidenceTable } from '../components/evidence-table.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { StateBadge } from '../components/state-badge.tsx';
import { Timestamp } from '../components/timestamp.tsx';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

type Loaded =
  | { status: 'loading' }
  | { status: 'not-found'; detail: string }
  | { status: 'failed'; detail: string }
  | { status: 'ready'; release: Release; evidence: Evidence[] };

export function ReleasePage() {
  const idOrTag = useParams().idOrTag ?? '';
  const { client } = useSession();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  useDocumentTitle(loaded.status === 'ready' ? loaded.release.tag : idOrTag);

  useEffect(() => {
    const abort = new AbortController();
    setLoaded({ status: 'loading' });
    Promise.all([
      client.getRelease(idOrTag, abort.signal),
      client.listEvidence(idOrTag, abort.signal),
    ]).then(
      ([release, evidence]) => setLoaded({ status: 'ready', release, evidence }),
      (caught: unknown) => {
        if (abort.signal.aborted) return;
        const detail = errorMessage(caught);
        const notFound = caught instanceof ApiError && caught.status === 404;
        setLoaded({ status: notFound ? 'not-found' : 'failed', detail });
      },
    );
    return () => abort.abort();
  }, [client, idOrTag]);

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Releases</Link>
          </li>
          <li aria-current="page">{idOrTag}</li>
        </ol>
      </nav>
      {loaded.status === 'loading' && (
        <p className="muted" aria-live="polite">
          Loading release…
        </p>
      )}
      {loaded.status === 'not-found' && (
        <section>
          <h1>Release not found</h1>
          <ProblemMessage title={`No release “${idOrTag}” found.`}>{loaded.detail}</ProblemMessage>
          <p>
            Check the tag or id, or <Link to="/">go back to the release list</Link>.
          </p>
        </section>
      )}
      {loaded.status === 'failed' && (
        <ProblemMessage title="The release could not be loaded.">{loaded.detail}</ProblemMessage>
      )}
      {loaded.status === 'ready' && (
        <ReleaseDetails release={loaded.release} evidence={loaded.evidence} />
      )}
    </>
  );
}

function ReleaseDetails({ release, evidence }: { release: Release; evidence: Evidence[] }) {
  return (
    <>
      <div className="page-heading">
        <h1 className="release-title">{release.tag}</h1>
        <StateBadge state={release.state} />
      </div>
      <section aria-labelledby="record-heading" className="panel">
        <h2 id="record-heading">Release record</h2>
        <dl className="record">
          <Field name="Service">{release.service}</Field>
          <Field name="Version">{release.version}</Field>
          <Field name="Commit">
            <DigestLabel value={release.commit} label="commit" length={release.commit.length} />
          </Field>
          <Field name="Change">{release.change ?? <span className="muted">none</span>}</Field>
          <Field name="Artifacts">
            {release.artifacts.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <ul className="plain-list">
                {release.artifacts.map((digest) => (
                  <li key={digest}>
                    <DigestLabel value={digest} label={`artifact digest ${digest}`} length={16} />
                  </li>
                ))}
              </ul>
            )}
          </Field>
          <Field name="State">
            <StateBadge state={release.state} />
          </Field>
          <Field name="Created by">{release.createdBy}</Field>
          <Field name="Created">
            <Timestamp iso={release.createdAt} />
          </Field>
          <Field name="Release id">
            <code>{release.id}</code>
          </Field>
        </dl>
      </section>
      <section aria-labelledby="evidence-heading" className="evidence-section">
        <h2 id="evidence-heading">
          Evidence <span className="count">{evidence.length}</span>
        </h2>
        {evidence.length === 0 ? (
          <div className="empty-state">
            <p>
              No evidence attached yet. A pipeline attaches files with{' '}
              <code>dossier attest &lt;kind&gt; &lt;files…&gt;</code>.
            </p>
          </div>
        ) : (
          <EvidenceTable items={evidence} caption={`Evidence attached to ${release.tag}`} />
        )}
      </section>
    </>
  );
}

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="record-field">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}
