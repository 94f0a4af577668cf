import { useEffect, useState } from 'react';
import { type ExceptionList, errorMessage } from '../api-client.ts';
import { ExceptionTable } from '../components/exceptions/exception-table.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

const AGING: { key: keyof ExceptionList['aging']; label: string; hint: string }[] = [
  { key: 'requested', label: 'Requested', hint: 'waiting for an approver' },
  { key: 'active', label: 'Active', hint: 'approved and counting' },
  { key: 'expiringSoon', label: 'Expiring soon', hint: 'within 7 days' },
  { key: 'expired', label: 'Expired', hint: 'no longer counting' },
];

/** Every exception with its state now, and how many are in each state (aging). */
export function ExceptionsPage() {
  useDocumentTitle('Exceptions');
  const { client } = useSession();
  const [list, setList] = useState<ExceptionList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation asks again
  useEffect(() => {
    const abort = new AbortController();
    client.listExceptions(abort.signal).then(setList, (caught: unknown) => {
      if (!abort.signal.aborted) setError(errorMessage(caught));
    });
    return () => abort.abort();
  }, [client, generation]);

  return (
    <>
      <div className="page-heading">
        <h1>Exceptions</h1>
      </div>
      <p className="muted">
        Controlled deviations from one policy requirement. Request one from the rule that failed on
        a release page; another person with an approver role approves it here or there.
      </p>
      {error && (
        <ProblemMessage title="The exceptions could not be loaded.">{error}</ProblemMessage>
      )}
      {list && (
        <>
          <dl className="tiles" aria-label="Exception aging">
            {AGING.map(({ key, label, hint }) => (
              <div key={key} className="tile" data-aging={key}>
                <dt>{label}</dt>
                <dd>
                  <span className="tile-value">{list.aging[key]}</span>
                  <span className="tile-note">{hint}</span>
                </dd>
              </div>
            ))}
          </dl>
          {list.items.length === 0 ? (
            <div className="empty-state">
              <p>No exception has been requested.</p>
            </div>
          ) : (
            <ExceptionTable
              items={list.items}
              caption="Every exception, newest first"
              onApproved={() => setGeneration((n) => n + 1)}
            />
          )}
        </>
      )}
    </>
  );
}
