import type { ChangeView } from '../../api-client.ts';

const FACTOR_LABELS: Record<string, string> = {
  scope: 'Scope',
  criticality: 'System criticality',
  customerImpact: 'Customer impact',
  rollbackComplexity: 'Rollback complexity',
  defectHistory: 'Defect history',
};

/** The change request behind the release and its current risk assessment. */
export function ChangePanel({ view }: { view: ChangeView }) {
  const { change, risk } = view;
  return (
    <section aria-labelledby="change-heading" className="panel">
      <h2 id="change-heading">
        Change request {change.id}: {change.title}
      </h2>
      <dl className="record">
        <div className="record-field">
          <dt>Type</dt>
          <dd>{change.type}</dd>
        </div>
        <div className="record-field">
          <dt>Author</dt>
          <dd>{change.author}</dd>
        </div>
        <div className="record-field">
          <dt>Reason</dt>
          <dd>{change.reason}</dd>
        </div>
        <div className="record-field">
          <dt>Requirements</dt>
          <dd>
            {change.requirements.length === 0 ? (
              <span className="muted">none linked</span>
            ) : (
              change.requirements.join(', ')
            )}
          </dd>
        </div>
        <div className="record-field">
          <dt>Risk class</dt>
          <dd data-risk-class>
            {risk ? (
              <>
                <strong>{risk.chosenClass ?? risk.assessment.baselineClass}</strong>{' '}
                {risk.chosenClass && risk.chosenClass !== risk.assessment.baselineClass
                  ? `(chosen over the baseline ${risk.assessment.baselineClass}: ${risk.justification ?? ''})`
                  : `(baseline, score ${risk.assessment.score})`}
              </>
            ) : (
              <span className="muted">not assessed yet</span>
            )}
          </dd>
        </div>
      </dl>
      {risk && (
        <>
          <h3 className="summary-heading">Risk factors</h3>
          <div className="table-wrap">
            <table className="data-table factor-table">
              <caption className="visually-hidden">Risk factors</caption>
              <thead>
                <tr>
                  <th scope="col">Factor</th>
                  <th scope="col" className="numeric">
                    Level
                  </th>
                  <th scope="col" className="numeric">
                    Weight
                  </th>
                  <th scope="col" className="numeric">
                    Points
                  </th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(risk.assessment.factors).map(([name, factor]) => (
                  <tr key={name}>
                    <th scope="row">
                      {FACTOR_LABELS[name] ?? name}
                      {'explanation' in factor && (
                        <span className="hint factor-note"> {String(factor.explanation)}</span>
                      )}
                    </th>
                    <td className="numeric">{factor.level}</td>
                    <td className="numeric">{factor.weight}</td>
                    <td className="numeric">{factor.points}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3 className="summary-heading">Risk narrative</h3>
          <p className="narrative">{risk.narrative}</p>
        </>
      )}
    </section>
  );
}
