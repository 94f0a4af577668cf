import type { Signature } from '../../api-client.ts';

/** A recorded signature, as an auditor reads it: who, as what, meaning what, when, how, over what. */
export function SignatureFacts({ signature }: { signature: Signature }) {
  return (
    <dl className="record signature-facts">
      <div className="record-field">
        <dt>Signer</dt>
        <dd>
          {signature.signer.fullName} ({signature.signer.username})
          {signature.delegation && <> for {signature.delegation.onBehalfOf}</>}
        </dd>
      </div>
      <div className="record-field">
        <dt>Role</dt>
        <dd>{signature.role}</dd>
      </div>
      <div className="record-field">
        <dt>Meaning</dt>
        <dd>{signature.meaning}</dd>
      </div>
      <div className="record-field">
        <dt>Signed (UTC)</dt>
        <dd>
          <time dateTime={signature.signedAt}>{utc(signature.signedAt)}</time>
        </dd>
      </div>
      <div className="record-field">
        <dt>Method</dt>
        <dd>{signature.authMethod} re-authentication</dd>
      </div>
      <div className="record-field">
        <dt>Content hash</dt>
        <dd>
          <code className="break">{signature.contentHash}</code>
        </dd>
      </div>
      {signature.condition && (
        <div className="record-field">
          <dt>Condition</dt>
          <dd>
            {signature.condition.text} (owner {signature.condition.owner}, by{' '}
            {utc(signature.condition.deadline)})
          </dd>
        </div>
      )}
    </dl>
  );
}

/** 2026-11-23 13:45:02 UTC: signatures are read in UTC, whatever the reader's zone. */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
