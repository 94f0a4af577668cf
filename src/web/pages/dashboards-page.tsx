import type { ChartConfiguration } from 'chart.js';
import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  type ApprovalCycleDashboard,
  type DeliveryDashboard,
  type EvidenceDashboard,
  type ExceptionAgingDashboard,
  errorMessage,
  type PendingApprovalsDashboard,
  type ThroughputDashboard,
} from '../api-client.ts';
import { ChartCanvas, PALETTE, STATUS_COLOURS } from '../components/dashboard/chart-canvas.tsx';
import {
  durationAxis,
  formatCount,
  formatDuration,
  formatRate,
  hours,
  inUnit,
} from '../components/dashboard/figures.ts';
import { ProblemMessage } from '../components/problem-message.tsx';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

const DAY_MS = 86_400_000;
type Bucket = '' | 'day' | 'week' | 'month';

interface Choice {
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day included, YYYY-MM-DD. */
  through: string;
  bucket: Bucket;
  env: string;
}

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function lastDays(days: number): Pick<Choice, 'from' | 'through'> {
  const today = Date.parse(`${isoDay(Date.now())}T00:00:00.000Z`);
  return { from: isoDay(today - (days - 1) * DAY_MS), through: isoDay(today) };
}

function readChoice(params: URLSearchParams): Choice {
  const fallback = lastDays(30);
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const from = params.get('from') ?? '';
  const through = params.get('through') ?? '';
  const bucket = params.get('bucket') ?? '';
  return {
    from: day.test(from) ? from : fallback.from,
    through: day.test(through) ? through : fallback.through,
    bucket: (['day', 'week', 'month'].includes(bucket) ? bucket : '') as Bucket,
    env: params.get('env')?.trim() || 'production',
  };
}

type Loaded<T> =
  | { status: 'loading' }
  | { status: 'failed'; detail: string }
  | { status: 'ready'; data: T };

export function DashboardsPage() {
  useDocumentTitle('Dashboards');
  const { client } = useSession();
  const [params, setParams] = useSearchParams();
  const choice = readChoice(params);
  const key = JSON.stringify(choice);
  const [throughput, setThroughput] = useState<Loaded<ThroughputDashboard>>({ status: 'loading' });
  const [evidence, setEvidence] = useState<Loaded<EvidenceDashboard>>({ status: 'loading' });
  const [delivery, setDelivery] = useState<Loaded<DeliveryDashboard>>({ status: 'loading' });
  const [pending, setPending] = useState<Loaded<PendingApprovalsDashboard>>({
    status: 'loading',
  });
  const [cycles, setCycles] = useState<Loaded<ApprovalCycleDashboard>>({ status: 'loading' });
  const [exceptions, setExceptions] = useState<Loaded<ExceptionAgingDashboard>>({
    status: 'loading',
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: key stands for the choice
  useEffect(() => {
    const abort = new AbortController();
    const period = {
      from: `${choice.from}T00:00:00.000Z`,
      to: `${isoDay(Date.parse(`${choice.through}T00:00:00.000Z`) + DAY_MS)}T00:00:00.000Z`,
      ...(choice.bucket ? { bucket: choice.bucket } : {}),
    };
    const load = <T,>(promise: Promise<T>, set: (value: Loaded<T>) => void) => {
      set({ status: 'loading' });
      promise.then(
        (data) => set({ status: 'ready', data }),
        (caught: unknown) => {
          if (!abort.signal.aborted) set({ status: 'failed', detail: errorMessage(caught) });
        },
      );
    };
    load(client.throughput(period, abort.signal), setThroughput);
    load(client.evidenceCompleteness(period, abort.signal), setEvidence);
    load(client.delivery({ ...period, env: choice.env }, abort.signal), setDelivery);
    load(client.approvalCycles(period, abort.signal), setCycles);
    // Current-state views: the period chooses the releases (created in it) and the exceptions
    // (requested in it); their state is the one now.
    load(client.pendingApprovals(period, abort.signal), setPending);
    load(client.exceptionAging(period, abort.signal), setExceptions);
    return () => abort.abort();
  }, [client, key]);

  return (
    <section aria-labelledby="dashboards-heading" className="dashboards">
      <div className="page-heading">
        <h1 id="dashboards-heading">Dashboards</h1>
      </div>
      <PeriodForm
        key={key}
        choice={choice}
        onApply={(next) =>
          setParams({
            from: next.from,
            through: next.through,
            ...(next.bucket ? { bucket: next.bucket } : {}),
            env: next.env,
          })
        }
      />
      <Panel id="throughput" title="Release throughput by risk class" loaded={throughput}>
        {(data) => <ThroughputView data={data} />}
      </Panel>
      <Panel id="evidence" title="Evidence: missing by service, and completeness" loaded={evidence}>
        {(data) => <EvidenceView data={data} />}
      </Panel>
      <Panel id="delivery" title={`Delivery (DORA) to ${choice.env}`} loaded={delivery}>
        {(data) => <DeliveryView data={data} />}
      </Panel>
      <Panel id="approval-cycles" title="Approval cycle time by role" loaded={cycles}>
        {(data) => <ApprovalCycleView data={data} />}
      </Panel>
      <Panel
        id="approvals"
        title="Pending approvals by age, for releases created in the period"
        loaded={pending}
      >
        {(data) => <PendingApprovalsView data={data} />}
      </Panel>
      <Panel
        id="exceptions"
        title="Exception aging, for exceptions requested in the period"
        loaded={exceptions}
      >
        {(data) => <ExceptionAgingView data={data} />}
      </Panel>
    </section>
  );
}

function PeriodForm({ choice, onApply }: { choice: Choice; onApply: (choice: Choice) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(choice);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(draft);
  }
  const preset = (days: number) => onApply({ ...draft, ...lastDays(days) });
  return (
    <form className="filter-grid period-form" onSubmit={submit} aria-label="Period">
      <div className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={draft.from}
          required
          onChange={(event) => setDraft({ ...draft, from: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-through`}>Through</label>
        <input
          id={`${id}-through`}
          type="date"
          value={draft.through}
          required
          onChange={(event) => setDraft({ ...draft, through: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-bucket`}>Group by</label>
        <select
          id={`${id}-bucket`}
          value={draft.bucket}
          onChange={(event) => setDraft({ ...draft, bucket: event.target.value as Bucket })}
        >
          <option value="">automatic</option>
          <option value="day">day</option>
          <option value="week">week</option>
          <option value="month">month</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-env`}>Environment</label>
        <input
          id={`${id}-env`}
          type="text"
          value={draft.env}
          spellCheck={false}
          onChange={(event) => setDraft({ ...draft, env: event.target.value })}
        />
      </div>
      <div className="filter-actions">
        <button type="submit" className="button button-primary">
          Show
        </button>
        <button type="button" className="button button-quiet" onClick={() => preset(30)}>
          Last 30 days
        </button>
        <button type="button" className="button button-quiet" onClick={() => preset(90)}>
          Last 90 days
        </button>
        <button type="button" className="button button-quiet" onClick={() => preset(365)}>
          Last year
        </button>
      </div>
    </form>
  );
}

function Panel<T>({
  id,
  title,
  loaded,
  children,
}: {
  id: string;
  title: string;
  loaded: Loaded<T>;
  children: (data: T) => ReactNode;
}) {
  return (
    <section
      className="panel dashboard-panel"
      aria-labelledby={`${id}-heading`}
      data-dashboard={id}
    >
      <h2 id={`${id}-heading`}>{title}</h2>
      {loaded.status === 'loading' && (
        <p className="muted" aria-live="polite">
          Loading…
        </p>
      )}
      {loaded.status === 'failed' && <ProblemMessage>{loaded.detail}</ProblemMessage>}
      {loaded.status === 'ready' && children(loaded.data)}
    </section>
  );
}

function Tiles({ items }: { items: Array<[string, string, string?]> }) {
  return (
    <dl className="tiles">
      {items.map(([name, value, note]) => (
        <div key={name} className="tile">
          <dt>{name}</dt>
          <dd>
            <span className="tile-value">{value}</span>
            {note && <span className="tile-note">{note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The figures behind a chart, in a table a person or a screen reader can read. */
function FigureTable({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: string[];
  rows: Array<Array<string | number>>;
}) {
  return (
    <details className="figure-table">
      <summary>Table: {caption}</summary>
      <div className="table-wrap">
        <table className="data-table">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {head.map((name, index) => (
                <th key={name} scope="col" className={index > 0 ? 'numeric' : undefined}>
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={String(row[0])}>
                {row.map((cell, index) =>
                  index === 0 ? (
                    <th key={head[index]} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={head[index]} className="numeric">
                      {typeof cell === 'number' ? formatCount(cell) : cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function ThroughputView({ data }: { data: ThroughputDashboard }) {
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: data.series.map((s) => s.bucket),
        datasets: data.riskClasses.map((riskClass, index) => ({
          label: riskClass,
          data: data.series.map((s) => s.byClass[riskClass] ?? 0),
          backgroundColor: PALETTE[index % PALETTE.length],
        })),
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'releases' } },
        },
      },
    }),
    [data],
  );
  return (
    <>
      <Tiles
        items={[
          ['Releases', formatCount(data.total), 'created in the period'],
          ...data.riskClasses.map((riskClass): [string, string] => [
            riskClass,
            formatCount(data.totals[riskClass] ?? 0),
          ]),
        ]}
      />
      <ChartCanvas
        config={config}
        label={`Bar chart: ${formatCount(data.total)} releases per ${data.bucket}, stacked by risk class (${data.riskClasses.join(', ') || 'none'}).`}
      />
      <FigureTable
        caption={`releases per ${data.bucket} and risk class`}
        head={[data.bucket, ...data.riskClasses, 'total']}
        rows={data.series.map((s) => [
          s.bucket,
          ...data.riskClasses.map((c) => s.byClass[c] ?? 0),
          s.total,
        ])}
      />
    </>
  );
}

function EvidenceView({ data }: { data: EvidenceDashboard }) {
  const gaps = data.byService.filter((s) => s.incomplete > 0).slice(0, 15);
  const byService = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: gaps.map((s) => s.service),
        datasets: data.kinds.map((kind, index) => ({
          label: kind,
          data: gaps.map((s) => s.missingByKind[kind] ?? 0),
          backgroundColor: PALETTE[index % PALETTE.length],
          maxBarThickness: 28,
        })),
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            title: { display: true, text: 'releases missing the kind' },
          },
          y: { stacked: true },
        },
      },
    }),
    [data, gaps],
  );
  const completeness = useMemo<ChartConfiguration>(
    () => ({
      type: 'line',
      data: {
        labels: data.completeness.map((c) => c.bucket),
        datasets: [
          {
            label: 'complete releases (%)',
            data: data.completeness.map((c) =>
              c.rate === null ? null : Math.round(c.rate * 1000) / 10,
            ),
            borderColor: PALETTE[0],
            backgroundColor: PALETTE[0],
            spanGaps: true,
          },
        ],
      },
      options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } },
    }),
    [data],
  );
  return (
    <>
      <Tiles
        items={[
          ['Completeness', formatRate(data.overall.rate), 'of gated releases, no evidence missing'],
          ['Gated releases', formatCount(data.overall.decided)],
          [
            'Missing evidence',
            formatCount(data.overall.decided - data.overall.complete),
            'releases',
          ],
        ]}
      />
      <h3 className="summary-heading">Missing evidence by service</h3>
      {gaps.length === 0 ? (
        <p className="all-clear">No gated release in the period is missing evidence.</p>
      ) : (
        <ChartCanvas
          config={byService}
          label={`Bar chart: releases missing evidence, for the ${gaps.length} services with the most, by evidence kind.`}
        />
      )}
      <FigureTable
        caption="gated releases by service, and those missing each kind"
        head={['service', 'gated', 'missing evidence', 'complete', ...data.kinds]}
        rows={data.byService.map((s) => [
          s.service,
          s.decided,
          s.incomplete,
          formatRate(s.completenessRate),
          ...data.kinds.map((k) => s.missingByKind[k] ?? 0),
        ])}
      />
      <h3 className="summary-heading">Evidence completeness rate</h3>
      <ChartCanvas
        config={completeness}
        label={`Line chart: share of gated releases with no evidence missing, per ${data.bucket}; overall ${formatRate(data.overall.rate)}.`}
      />
      <FigureTable
        caption={`completeness per ${data.bucket}`}
        head={[data.bucket, 'gated', 'complete', 'rate']}
        rows={data.completeness.map((c) => [c.bucket, c.decided, c.complete, formatRate(c.rate)])}
      />
    </>
  );
}

function DeliveryView({ data }: { data: DeliveryDashboard }) {
  const deployments = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: data.series.map((s) => s.bucket),
        datasets: [
          {
            label: 'succeeded',
            data: data.series.map((s) => s.succeeded),
            backgroundColor: STATUS_COLOURS.succeeded,
          },
          {
            label: 'failed',
            data: data.series.map((s) => s.failed),
            backgroundColor: STATUS_COLOURS.failed,
          },
          {
            label: 'rolled back',
            data: data.series.map((s) => s.rolledBack),
            backgroundColor: STATUS_COLOURS.rolledBack,
          },
        ],
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'deployments' } },
        },
      },
    }),
    [data],
  );
  const times = useMemo<ChartConfiguration>(
    () => ({
      type: 'line',
      data: {
        labels: data.series.map((s) => s.bucket),
        datasets: [
          {
            label: 'lead time, median (h)',
            data: data.series.map((s) => hours(s.leadTimeMedianSeconds)),
            borderColor: PALETTE[0],
            backgroundColor: PALETTE[0],
            spanGaps: true,
          },
          {
            label: 'time to restore, median (h)',
            data: data.series.map((s) => hours(s.restoreMedianSeconds)),
            borderColor: PALETTE[1],
            backgroundColor: PALETTE[1],
            spanGaps: true,
          },
        ],
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'hours' } } } },
    }),
    [data],
  );
  return (
    <>
      <Tiles
        items={[
          [
            'Deployment frequency',
            `${data.deploymentFrequency.perDay.toFixed(2)} / day`,
            `${formatCount(data.deploymentFrequency.succeeded)} successful`,
          ],
          [
            'Lead time for changes',
            formatDuration(data.leadTime.medianSeconds),
            `median; p90 ${formatDuration(data.leadTime.p90Seconds)}; release created → first success`,
          ],
          [
            'Change failure rate',
            formatRate(data.changeFailureRate.rate),
            `${formatCount(data.changeFailureRate.failed)} of ${formatCount(data.changeFailureRate.deployments)} failed or rolled back`,
          ],
          [
            'Time to restore',
            formatDuration(data.timeToRestore.medianSeconds),
            `median; ${formatCount(data.timeToRestore.restored)} of ${formatCount(data.timeToRestore.failures)} failures restored`,
          ],
        ]}
      />
      <h3 className="summary-heading">Deployments</h3>
      <ChartCanvas
        config={deployments}
        label={`Bar chart: deployments to ${data.environment} per ${data.bucket}, by outcome.`}
      />
      <h3 className="summary-heading">Lead time and time to restore</h3>
      <ChartCanvas
        config={times}
        label={`Line chart: median lead time and median time to restore per ${data.bucket}, in hours.`}
      />
      <FigureTable
        caption={`deployments to ${data.environment} per ${data.bucket}`}
        head={[
          data.bucket,
          'succeeded',
          'failed',
          'rolled back',
          'failure rate',
          'lead time (median)',
          'restore (median)',
        ]}
        rows={data.series.map((s) => [
          s.bucket,
          s.succeeded,
          s.failed,
          s.rolledBack,
          formatRate(s.changeFailureRate),
          formatDuration(s.leadTimeMedianSeconds),
          formatDuration(s.restoreMedianSeconds),
        ])}
      />
    </>
  );
}

function PendingApprovalsView({ data }: { data: PendingApprovalsDashboard }) {
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: data.bins,
        datasets: data.roles.map((role, index) => ({
          label: role.role,
          data: role.counts,
          backgroundColor: PALETTE[index % PALETTE.length],
        })),
      },
      options: {
        scales: {
          x: { stacked: true, title: { display: true, text: 'waiting for' } },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: 'releases' },
          },
        },
      },
    }),
    [data],
  );
  const oldest = data.roles.reduce<string | null>(
    (day, role) => (day === null || role.oldestDay < day ? role.oldestDay : day),
    null,
  );
  return (
    <>
      <Tiles
        items={[
          ['Waiting now', formatCount(data.total), 'release and role pairs'],
          ['Longest wait since', oldest ?? '—', oldest ? 'UTC day' : 'nothing waits'],
          ...data.roles.map((role): [string, string] => [role.role, formatCount(role.total)]),
        ]}
      />
      {data.total === 0 ? (
        <p className="muted">No release created in the period waits for an approval.</p>
      ) : (
        <ChartCanvas
          config={config}
          label={`Bar chart: ${formatCount(data.total)} approvals pending, by days waited (${data.bins.join(', ')}), stacked by role (${data.roles.map((r) => r.role).join(', ')}).`}
        />
      )}
      <FigureTable
        caption="releases waiting per role and days waited"
        head={['role', ...data.bins, 'total']}
        rows={data.roles.map((role) => [role.role, ...role.counts, role.total])}
      />
    </>
  );
}

/** requested, active, expiring soon, expired: the order and colours of the exception states. */
const STATE_LABELS: Record<ExceptionAgingDashboard['states'][number], string> = {
  requested: 'requested',
  active: 'active',
  'expiring-soon': 'expiring soon',
  expired: 'expired',
};
const STATE_COLOURS: Record<ExceptionAgingDashboard['states'][number], string> = {
  requested: '#0a58b8',
  active: '#1a7f37',
  'expiring-soon': '#b35900',
  expired: '#8e1519',
};

function ExceptionAgingView({ data }: { data: ExceptionAgingDashboard }) {
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: data.series.map((s) => s.bucket),
        datasets: data.states.map((state) => ({
          label: STATE_LABELS[state],
          data: data.series.map((s) => s.byState[state]),
          backgroundColor: STATE_COLOURS[state],
        })),
      },
      options: {
        scales: {
          x: { stacked: true, title: { display: true, text: `requested in (${data.bucket})` } },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: 'exceptions' },
          },
        },
      },
    }),
    [data],
  );
  return (
    <>
      <Tiles
        items={[
          ['Exceptions', formatCount(data.total), 'requested in the period'],
          ...data.states.map((state): [string, string, string?] => [
            STATE_LABELS[state],
            formatCount(data.totals[state]),
            state === 'expiring-soon' ? 'within 7 days' : 'now',
          ]),
        ]}
      />
      {data.total === 0 ? (
        <p className="muted">No exception was requested in the period.</p>
      ) : (
        <ChartCanvas
          config={config}
          label={`Bar chart: exceptions requested per ${data.bucket}, stacked by their state now: ${data.states.map((state) => `${data.totals[state]} ${STATE_LABELS[state]}`).join(', ')}.`}
        />
      )}
      <FigureTable
        caption={`exceptions requested per ${data.bucket}, by state now`}
        head={[data.bucket, ...data.states.map((state) => STATE_LABELS[state]), 'total']}
        rows={data.series.map((s) => [
          s.bucket,
          ...data.states.map((state) => s.byState[state]),
          s.total,
        ])}
      />
    </>
  );
}

function ApprovalCycleView({ data }: { data: ApprovalCycleDashboard }) {
  const config = useMemo<ChartConfiguration>(() => {
    const axis = durationAxis(
      Math.max(
        0,
        ...data.series.flatMap((s) => [
          s.p90Seconds ?? 0,
          ...Object.values(s.byRole).map((r) => r.medianSeconds ?? 0),
        ]),
      ),
    );
    return {
      type: 'line',
      data: {
        labels: data.series.map((s) => s.bucket),
        datasets: [
          ...data.roles.map((role, index) => ({
            label: `${role}, median`,
            data: data.series.map((s) => inUnit(s.byRole[role]?.medianSeconds ?? null, axis)),
            borderColor: PALETTE[index % PALETTE.length],
            backgroundColor: PALETTE[index % PALETTE.length],
            spanGaps: true,
          })),
          {
            label: 'all roles, 90th percentile',
            data: data.series.map((s) => inUnit(s.p90Seconds, axis)),
            borderColor: '#8c959f',
            backgroundColor: '#8c959f',
            borderWidth: 1.5,
            spanGaps: true,
          },
        ],
      },
      options: {
        scales: {
          x: { title: { display: true, text: `approved in (${data.bucket})` } },
          y: { beginAtZero: true, title: { display: true, text: `${axis.unit} waited` } },
        },
      },
    };
  }, [data]);
  return (
    <>
      <p className="muted dashboard-note">
        From the first gate decision that asked for a role's approval to the signature that ended
        the wait; counted on the day of that signature.
      </p>
      <Tiles
        items={[
          [
            'Median',
            formatDuration(data.overall.medianSeconds),
            `p90 ${formatDuration(data.overall.p90Seconds)}`,
          ],
          ['Approvals', formatCount(data.overall.approvals), 'waits ended in the period'],
          ...data.byRole.map((role): [string, string, string] => [
            role.role,
            formatDuration(role.medianSeconds),
            `median of ${formatCount(role.approvals)}; p90 ${formatDuration(role.p90Seconds)}`,
          ]),
        ]}
      />
      {data.overall.approvals === 0 ? (
        <p className="muted">No approval wait ended in the period.</p>
      ) : (
        <ChartCanvas
          config={config}
          label={`Line chart: median time waited for each role's approval per ${data.bucket} (${data.roles.join(', ')}), and the 90th percentile over all roles.`}
        />
      )}
      <FigureTable
        caption={`approval cycle time per ${data.bucket}: approvals, median and p90, and each role's median`}
        head={[
          data.bucket,
          'approvals',
          'median',
          'p90',
          ...data.roles.map((role) => `${role} median`),
        ]}
        rows={data.series.map((s) => [
          s.bucket,
          s.approvals,
          formatDuration(s.medianSeconds),
          formatDuration(s.p90Seconds),
          ...data.roles.map((role) => formatDuration(s.byRole[role]?.medianSeconds ?? null)),
        ])}
      />
      <FigureTable
        caption="approval cycle time by role and by risk class over the period"
        head={['role or risk class', 'approvals', 'median', 'p90']}
        rows={[
          ...data.byRole.map((r) => [
            `role ${r.role}`,
            r.approvals,
            formatDuration(r.medianSeconds),
            formatDuration(r.p90Seconds),
          ]),
          ...data.byClass.map((c) => [
            `risk ${c.riskClass}`,
            c.approvals,
            formatDuration(c.medianSeconds),
            formatDuration(c.p90Seconds),
          ]),
        ]}
      />
    </>
  );
}
