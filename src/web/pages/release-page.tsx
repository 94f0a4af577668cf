import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  ApiError,
  type AuditEntry,
  type ChangeView,
  type Deployment,
  type Evidence,
  type Exception,
  errorMessage,
  type GateOverview,
  type Release,
} from '../api-client.ts';
import { DigestLabel } from '../components/digest-label.tsx';
import { EvidenceTable } from '../components/evidence-table.tsx';
import { ExceptionTable } from '../components/exceptions/exception-table.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { AuditTimeline } from '../components/release/audit-timeline.tsx';
import { ChangePanel } from '../components/release/change-panel.tsx';
import { DeploymentsTable } from '../components/release/deployments-table.tsx';
import { DossierDownload } from '../components/release/dossier-download.tsx';
import { GatePanel } from '../components/release/gate-panel.tsx';
import { ApprovalsSection } from '../components/signing/approvals-section.tsx';
import { StateBadge } from '../components/state-badge.tsx';
import { Timestamp } from '../components/timestamp.tsx';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

type Loaded =
  | { status: 'loading' }
  | { status: 'not-found'; detail: string }
  | { status: 'failed'; detail: string }
  | { status: 'ready'; release: Release; evidence: Evidence[] };

/** What the workspace sections read besides the release; each loads on its own. */
interface Workspace {
  gates: GateOverview | null;
  change: ChangeView | null;
  deployments: Deployment[] | null;
  audit: AuditEntry[] | null;
  error: string | null;
}

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

function useWorkspace(
  release: Release,
): [Workspace, (next: Workspace) => void, () => void, number] {
  const { client } = useSession();
  const [workspace, setWorkspace] = useState<Workspace>({
    gates: null,
    change: null,
    deployments: null,
    audit: null,
    error: null,
  });
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation asks for a reload
  useEffect(() => {
    const abort = new AbortController();
    const id = release.id;
    Promise.all([
      client.getGates(id, abort.signal),
      // A tag may name a change that was never recorded here: that is not an error of the page.
      release.change
        ? client.getChange(release.change, abort.signal).catch((caught: unknown) => {
            if (caught instanceof ApiError && caught.status === 404) return null;
            throw caught;
          })
        : null,
      client.listDeployments(id, abort.signal),
      client.listAuditTrail(id, abort.signal),
    ]).then(
      ([gates, change, deployments, audit]) =>
        setWorkspace({ gates, change, deployments, audit, error: null }),
      (caught: unknown) => {
        if (!abort.signal.aborted) {
          setWorkspace((current) => ({ ...current, error: errorMessage(caught) }));
        }
      },
    );
    return () => abort.abort();
  }, [client, release.id, release.change, generation]);
  return [workspace, setWorkspace, () => setGeneration((n) => n + 1), generation];
}

/** The release page shows this many exceptions, newest first, and links to the rest. */
const EXCEPTIONS_SHOWN = 50;

function ReleaseDetails({ release, evidence }: { release: Release; evidence: Evidence[] }) {
  const { client } = useSession();
  const [workspace, , reload, generation] = useWorkspace(release);
  const [exceptions, setExceptions] = useState<Exception[] | null>(null);
  const [moreExceptions, setMoreExceptions] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation asks again
  useEffect(() => {
    const abort = new AbortController();
    client
      .listExceptions({ release: release.id, limit: EXCEPTIONS_SHOWN, signal: abort.signal })
      .then(
        (list) => {
          setExceptions(list.items);
          setMoreExceptions(list.nextCursor !== null);
        },
        () => undefined,
      );
    return () => abort.abort();
  }, [client, release.id, release.service, generation]);

  /**
   * A signature or an approved exception changes what the gates decide: ask each gate that was
   * asked before again (which records a decision only when it changed), then reload.
   */
  const askGatesAgain = useCallback(async () => {
    const asked = workspace.gates?.environments.filter((gate) => gate.latest !== null) ?? [];
    await Promise.allSettled(asked.map((gate) => client.decideGate(release.id, gate.environment)));
    reload();
  }, [client, release.id, workspace.gates, reload]);
  const blocked = workspace.gates?.environments.filter(
    (gate) => gate.latest?.decision.decision === 'blocked',
  );
  return (
    <>
      <div className="page-heading">
        <h1 className="release-title">{release.tag}</h1>
        <StateBadge state={release.state} />
        {blocked && blocked.length > 0 && (
          <span className="badge gate-badge gate-badge-blocked">
            blocked for {blocked.map((gate) => gate.environment).join(', ')}
          </span>
        )}
        <DossierDownload releaseTag={release.tag} />
      </div>
      {workspace.error && (
        <ProblemMessage title="Part of the release workspace could not be loaded.">
          {workspace.error}
        </ProblemMessage>
      )}
      <section aria-labelledby="record-heading" className="panel">
        <h2 id="record-heading">Release record</h2>
        <dl className="record">
          <Field name="Service">{release.service}</Field>
          <Field name="Version">{release.version}</Field>
          <Field name="Commit">
            <DigestLabel value={release.commit} label="commit" length={release.commit.length} />
          </Field>
          <Field name="Change">
            {release.change ?? <span className="muted">none</span>}
            {release.change && workspace.gates !== null && workspace.change === null && (
              <span className="muted"> (not recorded as a change request)</span>
            )}
          </Field>
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
          <Field name="Owner">{workspace.change?.change.author ?? release.createdBy}</Field>
          <Field name="Created by">{release.createdBy}</Field>
          <Field name="Created">
            <Timestamp iso={release.createdAt} />
          </Field>
          <Field name="Release id">
            <code>{release.id}</code>
          </Field>
        </dl>
      </section>
      {workspace.change && <ChangePanel view={workspace.change} />}
      <section aria-labelledby="gates-heading" className="gates-section">
        <h2 id="gates-heading">Gates</h2>
        {workspace.gates === null ? (
          <p className="muted">Loading gate decisions…</p>
        ) : workspace.gates.environments.length === 0 ? (
          <div className="empty-state">
            <p>
              {workspace.gates.policy
                ? 'The active policy defines no environments.'
                : 'No policy is active for this service, so there is no gate to pass yet.'}
            </p>
          </div>
        ) : (
          <>
            {workspace.gates.policy && (
              <p className="hint">
                Policy {workspace.gates.policy.name ?? '(unnamed)'}, version{' '}
                {workspace.gates.policy.version}. Shown: the latest recorded decision per
                environment. Request an exception from a rule that did not pass; approve below.
              </p>
            )}
            <div className="gate-grid">
              {workspace.gates.environments.map((gate) => (
                <GatePanel
                  key={gate.environment}
                  releaseTag={release.tag}
                  service={release.service}
                  gate={gate}
                  onDecided={reload}
                  onExceptionRequested={reload}
                />
              ))}
            </div>
          </>
        )}
      </section>
      <ApprovalsSection
        releaseTag={release.tag}
        gates={workspace.gates}
        evidence={evidence}
        generation={generation}
        onSigned={askGatesAgain}
      />
      <section aria-labelledby="exceptions-heading" className="panel">
        <h2 id="exceptions-heading">Exceptions</h2>
        {exceptions === null ? (
          <p className="muted">Loading…</p>
        ) : exceptions.length === 0 ? (
          <p className="muted">No exception applies to this release.</p>
        ) : (
          <ExceptionTable
            items={exceptions}
            caption={`Exceptions that apply to ${release.tag}`}
            releaseTags={{ [release.id]: release.tag }}
            onApproved={askGatesAgain}
          />
        )}
        {moreExceptions && (
          <p>
            <Link to={`/exceptions?release=${encodeURIComponent(release.tag)}`}>
              Every exception that applies to {release.tag}
            </Link>
          </p>
        )}
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
      <section aria-labelledby="deployments-heading" className="panel">
        <h2 id="deployments-heading">Deployments</h2>
        {workspace.deployments === null ? (
          <p className="muted">Loading…</p>
        ) : (
          <DeploymentsTable items={workspace.deployments} />
        )}
      </section>
      <section aria-labelledby="audit-heading" className="panel">
        <h2 id="audit-heading">Audit trail</h2>
        {workspace.audit === null ? (
          <p className="muted">Loading…</p>
        ) : (
          <AuditTimeline entries={workspace.audit} />
        )}
      </section>
    </>
  );
}

/** An exception for this release, or for every release of its service. */
function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="record-field">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}
