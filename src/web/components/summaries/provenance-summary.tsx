import { DigestLabel } from '../digest-label.tsx';
import { Timestamp } from '../timestamp.tsx';
import { Fact, Facts, SummarySection } from './facts.tsx';
import type { KindView, SummaryProps } from './kind-view.ts';
import { LongText } from './long-text.tsx';
import { Paged } from './paged.tsx';
import {
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

type Verdict = 'verified' | 'unverified' | 'invalid';

const VERDICTS: Readonly<Record<Verdict, { icon: string; badge: string; title: string }>> = {
  verified: { icon: '✓', badge: 'Verified', title: 'Signature verified' },
  unverified: { icon: '!', badge: 'Unverified', title: 'Signature not verified' },
  invalid: {
    icon: '✕',
    badge: 'Invalid signature',
    title: 'Invalid signature: do not trust this provenance',
  },
};

/**
 * One statement's verdict. Only a signature the server checked and recorded as `verified` is
 * shown as verified; any other or missing status is unverified.
 */
function statementVerdict(statement: JsonObject): Verdict {
  const status = textAt(objectAt(statement, 'signature'), 'status');
  if (status === 'invalid') return 'invalid';
  return status === 'verified' ? 'verified' : 'unverified';
}

/**
 * The file's verdict: invalid when any signature is, verified only when the summary says
 * `verified: true` (every statement verified), otherwise unverified.
 */
function overallVerdict(summary: JsonObject, statements: readonly JsonObject[]): Verdict {
  const invalid =
    countAt(objectAt(summary, 'signatures'), 'invalid') > 0 ||
    statements.some((statement) => statementVerdict(statement) === 'invalid');
  if (invalid) return 'invalid';
  return summary.verified === true ? 'verified' : 'unverified';
}

/** Why: the first statement with the verdict's own status gives its reason. */
function overallReason(verdict: Verdict, statements: readonly JsonObject[], total: number): string {
  if (total === 0) return 'The file holds no statements, so nothing is signed.';
  const first = statements.find((statement) => statementVerdict(statement) === verdict);
  const reason = textAt(objectAt(first, 'signature'), 'reason');
  if (reason) return reason;
  return verdict === 'verified'
    ? 'Every signature verified.'
    : 'No statement carries a signature the server could verify.';
}

function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const { icon, badge } = VERDICTS[verdict];
  return (
    <span className={`verdict-badge verdict-${verdict}`} data-verdict={verdict}>
      <span aria-hidden="true">{icon} </span>
      {badge}
    </span>
  );
}

interface ArtifactMatch {
  artifact: string;
  state: 'verified' | 'unverified' | 'unmatched';
}

/**
 * The release's artifacts, each with what the provenance says about it. An artifact counts as
 * vouched for only when the summary also shows a verified signature to vouch with.
 */
function artifactMatches(summary: JsonObject): ArtifactMatch[] {
  const matches = objectAt(summary, 'matchesArtifacts');
  const anyVerified =
    summary.verified === true ||
    objectsAt(summary, 'statements').some(
      (statement) => statementVerdict(statement) === 'verified',
    );
  const byVerified = new Set(anyVerified ? textsAt(matches, 'matchedByVerified') : []);
  return [
    ...textsAt(matches, 'matched').map(
      (artifact): ArtifactMatch => ({
        artifact,
        state: byVerified.has(artifact) ? 'verified' : 'unverified',
      }),
    ),
    ...textsAt(matches, 'unmatched').map(
      (artifact): ArtifactMatch => ({ artifact, state: 'unmatched' }),
    ),
  ];
}

function Headline({ summary }: SummaryProps) {
  const statements = objectsAt(summary, 'statements');
  const total = numberAt(summary, 'statementCount') ?? statements.length;
  const verdict = overallVerdict(summary, statements);
  const artifacts = artifactMatches(summary);
  const vouched = artifacts.filter((match) => match.state === 'verified').length;
  const named = artifacts.filter((match) => match.state !== 'unmatched').length;
  return (
    <>
      <VerdictBadge verdict={verdict} />
      <span className="headline-note">{plural(total, 'statement')}</span>
      {artifacts.length > 0 && (
        // Only a verified statement vouches for an artifact; naming it proves nothing.
        <span
          className={`headline-note ${vouched === artifacts.length ? 'text-success' : 'text-danger'}`}
          data-artifacts-verified={vouched}
        >
          release artifacts covered: {formatCount(vouched)} of {formatCount(artifacts.length)}
          {named > vouched &&
            ` (${formatCount(named - vouched)} named without a verified signature)`}
        </span>
      )}
      <span className="headline-reason">{overallReason(verdict, statements, total)}</span>
    </>
  );
}

/** The verdict, first in the details: before the parser's warnings, before anything else. */
function Lead({ summary }: SummaryProps) {
  const statements = objectsAt(summary, 'statements');
  const total = numberAt(summary, 'statementCount') ?? statements.length;
  const verdict = overallVerdict(summary, statements);
  const signatures = objectAt(summary, 'signatures');
  return (
    <div className={`verdict-panel verdict-panel-${verdict}`} data-verdict={verdict}>
      <span className="verdict-icon" aria-hidden="true">
        {VERDICTS[verdict].icon}
      </span>
      <div>
        <p className="verdict-title">{VERDICTS[verdict].title}</p>
        <p className="verdict-reason">{overallReason(verdict, statements, total)}</p>
        <p className="verdict-counts">
          Signatures: {formatCount(countAt(signatures, 'verified'))} verified,{' '}
          {formatCount(countAt(signatures, 'unverified'))} unverified,{' '}
          {formatCount(countAt(signatures, 'invalid'))} invalid
        </p>
      </div>
    </div>
  );
}

function Details({ summary }: SummaryProps) {
  const statements = objectsAt(summary, 'statements');
  const total = numberAt(summary, 'statementCount') ?? statements.length;
  const artifacts = artifactMatches(summary);
  const omitted = countAt(summary, 'statementsOmitted');
  return (
    <>
      <SummarySection title="Release artifacts">
        {artifacts.length === 0 ? (
          <p className="muted">The release lists no artifact digests, so none could be matched.</p>
        ) : (
          <ul className="artifact-list">
            {artifacts.map(({ artifact, state }) => (
              <li key={artifact} className={`artifact-match artifact-${state}`} data-match={state}>
                <span className="artifact-state">
                  {state === 'verified'
                    ? '✓ Named by a verified statement'
                    : state === 'unverified'
                      ? '! Named, but by no verified statement'
                      : '✕ Not named by any statement'}
                </span>
                <DigestLabel value={artifact} label={`artifact digest ${artifact}`} length={16} />
              </li>
            ))}
          </ul>
        )}
      </SummarySection>

      <SummarySection
        title="Statements"
        extra={<span className="count">{formatCount(total)}</span>}
      >
        {statements.length === 0 ? (
          <p className="muted">No statements.</p>
        ) : (
          <Paged items={statements} noun="statements" pageSize={10}>
            {(page, offset) => (
              <ol className="statement-list" start={offset + 1}>
                {numbered(page, offset).map(({ item, number }) => (
                  <StatementCard
                    key={number}
                    statement={item}
                    number={number}
                    showReason={total > 1}
                  />
                ))}
              </ol>
            )}
          </Paged>
        )}
        {omitted > 0 && (
          <p className="muted">{plural(omitted, 'more statement')} counted but not listed.</p>
        )}
      </SummarySection>
    </>
  );
}

/** Items with their 1-based place in the whole list: statements are numbered in file order. */
function numbered<T>(page: readonly T[], offset: number): Array<{ item: T; number: number }> {
  return page.map((item, index) => ({ item, number: offset + index + 1 }));
}

interface StatementCardProps {
  statement: JsonObject;
  number: number;
  /** The signature's reason; the verdict panel already gives it when there is one statement. */
  showReason: boolean;
}

function StatementCard({ statement, number, showReason }: StatementCardProps) {
  const verdict = statementVerdict(statement);
  const signature = objectAt(statement, 'signature');
  const signer = objectAt(signature, 'signer');
  const signedAt = textAt(signature, 'signedAt');
  const subjects = objectsAt(statement, 'subjects');
  const subjectCount = numberAt(statement, 'subjectCount') ?? subjects.length;
  const line = numberAt(statement, 'line');
  const container = textAt(statement, 'container');
  const commit = textAt(statement, 'sourceCommit');
  const reason = textAt(signature, 'reason');
  return (
    <li className={`statement-card statement-${verdict}`}>
      <div className="statement-head">
        <span className="statement-number">Statement {number}</span>
        <VerdictBadge verdict={verdict} />
        <span className="muted">
          {[container, line === null ? null : `line ${line}`].filter(Boolean).join(', ')}
        </span>
      </div>
      {showReason && reason && (
        <div className="statement-reason">
          <LongText text={reason} limit={360} what={`reason for statement ${number}`} />
        </div>
      )}
      <Facts layout="rows">
        <Fact name="Signed by">
          {verdict === 'verified'
            ? [
                textAt(signer, 'identity'),
                textAt(signer, 'keyId') && `key ${textAt(signer, 'keyId')}`,
              ]
                .filter(Boolean)
                .join(', ') || null
            : null}
        </Fact>
        <Fact name="Issuer">{verdict === 'verified' ? textAt(signer, 'issuer') : null}</Fact>
        <Fact name="Signed at">{signedAt ? <Timestamp iso={signedAt} /> : null}</Fact>
        <Fact name="Transparency log">
          {countAt(signature, 'transparencyLogEntries') > 0
            ? plural(
                countAt(signature, 'transparencyLogEntries'),
                'entry verified',
                'entries verified',
              )
            : null}
        </Fact>
        <Fact name="Predicate">{textAt(statement, 'predicateType')}</Fact>
        <Fact name="Builder">{textAt(statement, 'builderId')}</Fact>
        <Fact name="Build type">{textAt(statement, 'buildType')}</Fact>
        <Fact name="Source repository">{textAt(statement, 'sourceRepo')}</Fact>
        <Fact name="Source ref">{textAt(statement, 'sourceRef')}</Fact>
        <Fact name="Source commit">
          {commit ? (
            <DigestLabel value={commit} label="source commit" length={commit.length} />
          ) : null}
        </Fact>
      </Facts>
      <div className="statement-subjects">
        <span className="chip-group-label">{plural(subjectCount, 'subject')}</span>
        {subjects.length > 0 && (
          <ul className="subject-list">
            {subjects.map((subject, index) => {
              const digests = Object.entries(objectAt(subject, 'digest') ?? {}).filter(
                (entry): entry is [string, string] => typeof entry[1] === 'string',
              );
              // Prefer sha256: the digest the release's artifacts are matched on.
              digests.sort(([a], [b]) => Number(b === 'sha256') - Number(a === 'sha256'));
              const [first] = digests;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: subjects may share a name
                <li key={index} className="subject-item">
                  <span className="subject-name">{textAt(subject, 'name') ?? '(unnamed)'}</span>
                  {first ? (
                    <DigestLabel
                      value={`${first[0]}:${first[1]}`}
                      label={`digest of ${textAt(subject, 'name') ?? 'subject'}`}
                    />
                  ) : (
                    <span className="muted">no digest</span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {subjectCount > subjects.length && (
          <p className="muted">
            {plural(subjectCount - subjects.length, 'more subject')} not listed.
          </p>
        )}
      </div>
    </li>
  );
}

export const provenanceView: KindView = { Headline, Lead, Details };
