import type { Deployment } from '../../api-client.ts';
import { Timestamp } from '../timestamp.tsx';

export function DeploymentsTable({ items }: { items: Deployment[] }) {
  if (items.length === 0) {
    return <p className="muted">Not deployed anywhere yet.</p>;
  }
  return (
    <div className="table-wrap">
      <table className="data-table deployment-table">
        <caption className="visually-hidden">Deployments, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Environment</th>
            <th scope="col">Status</th>
            <th scope="col">When (UTC)</th>
            <th scope="col">Source</th>
            <th scope="col">Recorded by</th>
          </tr>
        </thead>
        <tbody>
          {items.map((deployment) => (
            <tr key={deployment.id}>
              <th scope="row">{deployment.environment}</th>
              <td>
                <span
                  className={`outcome outcome-${deployment.status === 'succeeded' ? 'passed' : 'failed'}`}
                >
                  {deployment.status}
                </span>
              </td>
              <td className="nowrap">
                <Timestamp iso={deployment.at} />
              </td>
              <td>
                {deployment.url ? (
                  <a href={deployment.url} rel="noreferrer">
                    {deployment.source}
                  </a>
                ) : (
                  deployment.source
                )}
              </td>
              <td>{deployment.recordedBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
