import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildRelease } from '../../test/support/builders.ts';
import type { ChangeRequest } from '../core/change/change-request.ts';
import type { Deployment } from '../core/deployment/deployment.ts';
import type { GateDecisionRecord } from '../core/policy/gate-record.ts';
import type { RiskRecord } from '../core/risk/risk-record.ts';
import type { StoreConformanceOptions } from './store.conformance.ts';
import { type Store, StoreConflictError } from './store.ts';

const T = '2026-11-23T10:00:00.000Z';

function policyText(name: string) {
  const text = `version: 1\nname: ${name}\n# ${randomBytes(4).toString('hex')}\n`;
  return {
    sha256: createHash('sha256').update(text).digest('hex'),
    name,
    text,
    createdAt: T,
    createdBy: 'token:test',
  };
}

function change(id: string, service: string, overrides: Partial<ChangeRequest> = {}) {
  return {
    id,
    service,
    title: 'Fix rounding of reported concentrations',
    type: 'code' as const,
    reason: 'Customer complaint 4411',
    requirements: ['REQ-12', 'SRS-4.2'],
    author: 'alice',
    createdAt: T,
    createdBy: 'token:test',
    ...overrides,
  };
}

function deployment(releaseId: string, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: `dep_${randomBytes(8).toString('hex')}`,
    releaseId,
    environment: 'staging',
    status: 'succeeded',
    at: T,
    source: 'cli',
    url: null,
    recordedAt: T,
    recordedBy: 'token:test',
    ...overrides,
  };
}

function gateRecord(
  releaseId: string,
  service: string,
  decision: 'allowed' | 'blocked',
  environment = 'production',
): Omit<GateDecisionRecord, 'seq'> {
  const decisionHash = randomBytes(32).toString('hex');
  return {
    releaseId,
    service,
    environment,
    decision,
    decisionHash,
    policySha256: 'c'.repeat(64),
    decidedAt: T,
    decidedBy: 'token:test',
    body: {
      decision,
      releaseId,
      environment,
      decisionHash,
    } as unknown as GateDecisionRecord['body'],
  };
}

/**
 * The release-control tables (services, policies, changes, risk assessments, deployments, gate
 * decisions) behave the same on every adapter.
 */
export function runControlConformance({ name, open }: StoreConformanceOptions): void {
  describe(`Store conformance, release control: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;

    before(async () => {
      const subject = await open();
      store = subject.store;
      dispose = () => subject.dispose();
    });
    after(async () => {
      await dispose();
    });

    it('creates and replaces a service record', async () => {
      const record = {
        name: 'assay-engine',
        criticality: 4,
        owners: ['alice', 'bob'],
        description: 'Computes reported results',
        updatedAt: T,
        updatedBy: 'token:test',
      };
      await store.transaction((tx) => tx.putService(record));
      assert.deepEqual(await store.getService('assay-engine'), record);
      await store.transaction((tx) =>
        tx.putService({ ...record, criticality: 5, owners: [], description: null }),
      );
      assert.deepEqual(await store.getService('assay-engine'), {
        ...record,
        criticality: 5,
        owners: [],
        description: null,
      });
      assert.deepEqual(
        (await store.listServices()).map((s) => s.name),
        ['assay-engine'],
      );
      assert.equal(await store.getService('nope'), undefined);
    });

    it('numbers policy texts once each and keeps the same text at its number', async () => {
      const a = policyText('first');
      const b = policyText('second');
      const first = await store.transaction((tx) => tx.insertPolicyVersion(a));
      const second = await store.transaction((tx) => tx.insertPolicyVersion(b));
      const again = await store.transaction((tx) => tx.insertPolicyVersion(a));
      assert.equal(first.created, true);
      assert.equal(second.policy.version, first.policy.version + 1);
      assert.deepEqual(again, { policy: first.policy, created: false });
      assert.deepEqual(await store.getPolicyBySha256(a.sha256), first.policy);
      assert.deepEqual(await store.getPolicyVersion(second.policy.version), second.policy);
      assert.equal((await store.getPolicyVersion(first.policy.version))?.text, a.text);
      assert.deepEqual(
        (await store.listPolicyVersions(2)).map((p) => p.version),
        [second.policy.version, first.policy.version],
      );
    });

    it('answers a service with its own activation, else the default, else nothing', async () => {
      const general = (await store.transaction((tx) => tx.insertPolicyVersion(policyText('g'))))
        .policy;
      const own = (await store.transaction((tx) => tx.insertPolicyVersion(policyText('own'))))
        .policy;
      assert.equal(await store.getActivePolicy('lab-portal'), undefined);
      assert.equal(await store.getActivationFor('lab-portal'), undefined);
      const activate = (scope: string, version: number, at: string) =>
        store.transaction((tx) =>
          tx.insertPolicyActivation({
            scope,
            policyVersion: version,
            policySha256: '',
            activatedAt: at,
            activatedBy: 'token:test',
          }),
        );
      await activate('*', general.version, T);
      assert.equal((await store.getActivePolicy('lab-portal'))?.policy.sha256, general.sha256);
      const mine = await activate('lab-portal', own.version, '2026-11-23T10:00:01.000Z');
      const active = await store.getActivePolicy('lab-portal');
      assert.equal(active?.policy.sha256, own.sha256);
      assert.equal(active?.activation.seq, mine.seq);
      assert.equal(active?.activation.policySha256, own.sha256);
      assert.equal((await store.getActivePolicy('other'))?.policy.sha256, general.sha256);
      assert.equal((await store.getActivationFor('lab-portal'))?.policySha256, own.sha256);
      assert.equal((await store.getActivationFor('lab-portal'))?.seq, mine.seq);
      assert.equal((await store.getActivationFor('other'))?.policySha256, general.sha256);
      assert.equal((await store.getActivationForScope('*'))?.policy.sha256, general.sha256);
      const [latest] = await store.listPolicyActivations(1);
      assert.equal(latest?.scope, 'lab-portal');
      assert.equal(latest?.policySha256, own.sha256);
    });

    it('numbers change requests, refuses a taken id, and pages them by service', async () => {
      const service = `svc-${randomBytes(3).toString('hex')}`;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await store.transaction(async (tx) => {
          const next = `CHG-${await tx.nextChangeNumber()}`;
          await tx.insertChange(change(next, service));
          return next;
        });
        ids.push(id);
      }
      const numbers = ids.map((id) => Number(id.slice(4)));
      assert.deepEqual(numbers, [numbers[0], (numbers[0] ?? 0) + 1, (numbers[0] ?? 0) + 2]);
      assert.deepEqual(await store.getChange(ids[0] ?? ''), change(ids[0] ?? '', service));
      await assert.rejects(
        store.transaction((tx) => tx.insertChange(change(ids[0] ?? '', service))),
        (error) => error instanceof StoreConflictError,
      );
      const page = await store.listChanges({ limit: 2, service });
      assert.deepEqual(
        page.items.map((c) => c.id),
        [ids[2], ids[1]],
      );
      const rest = await store.listChanges({ limit: 2, service, cursor: page.nextCursor ?? '' });
      assert.deepEqual(
        rest.items.map((c) => c.id),
        [ids[0]],
      );
      assert.equal(rest.nextCursor, null);
      // An explicit number from a tracker moves the counter past it.
      await store.transaction((tx) => tx.insertChange(change('CHG-900000', service)));
      assert.equal(await store.transaction((tx) => tx.nextChangeNumber()), 900001);
    });

    it('lists the releases that name a change', async () => {
      const a = buildRelease({ change: 'CHG-77' });
      const b = buildRelease({ change: 'CHG-77' });
      await store.transaction(async (tx) => {
        await tx.insertRelease(a);
        await tx.insertRelease(b);
        await tx.insertRelease(buildRelease({ change: 'CHG-78' }));
      });
      assert.deepEqual(
        (await store.listReleasesForChange('CHG-77')).map((r) => r.id),
        [a.id, b.id],
      );
    });

    it('appends risk assessment versions and refuses a version twice', async () => {
      await store.transaction((tx) => tx.insertChange(change('CHG-500', 'risk-svc')));
      const record = (version: number, chosenClass: string | null): RiskRecord => ({
        changeId: 'CHG-500',
        version,
        event: version === 1 ? 'assessed' : 'class-chosen',
        stated: { scope: 2, customerImpact: 3, rollbackComplexity: 1 },
        assessment: {
          score: 12.5,
          baselineClass: 'medium',
          baselineReason: 'score 12.5',
          factors: {} as RiskRecord['assessment']['factors'],
          classes: ['low', 'medium', 'high'],
        },
        chosenClass,
        justification: chosenClass ? 'touches result calculation; treat as high' : null,
        narrativeDraft: 'draft',
        narrative: 'draft',
        policySha256: 'd'.repeat(64),
        recordedAt: T,
        recordedBy: 'token:test',
      });
      assert.equal(await store.latestRiskRecord('CHG-500'), undefined);
      await store.transaction((tx) => tx.insertRiskRecord(record(1, null)));
      await store.transaction((tx) => tx.insertRiskRecord(record(2, 'high')));
      assert.deepEqual(await store.latestRiskRecord('CHG-500'), record(2, 'high'));
      assert.deepEqual(
        (await store.listRiskRecords('CHG-500')).map((r) => r.version),
        [1, 2],
      );
      await assert.rejects(
        store.transaction((tx) => tx.insertRiskRecord(record(2, 'low'))),
        (error) => error instanceof StoreConflictError,
      );
    });

    it('records deployments on their release and refuses one for an unknown release', async () => {
      const release = buildRelease({ service: 'deploy-svc' });
      await store.transaction((tx) => tx.insertRelease(release));
      const first = deployment(release.id);
      const second = deployment(release.id, {
        environment: 'production',
        status: 'rolled-back',
        url: 'https://ci.example/run/9',
      });
      await store.transaction(async (tx) => {
        await tx.insertDeployment(first);
        await tx.insertDeployment(second);
      });
      assert.deepEqual(await store.listDeployments(release.id), [first, second]);
      await assert.rejects(store.transaction((tx) => tx.insertDeployment(deployment('rel_NONE'))));
      assert.deepEqual(await store.listDeployments('rel_NONE'), []);
    });

    it('keeps gate decisions in order and answers the latest per environment', async () => {
      const release = buildRelease({ service: 'gate-svc' });
      await store.transaction((tx) => tx.insertRelease(release));
      const blocked = await store.transaction((tx) =>
        tx.insertGateDecision(gateRecord(release.id, 'gate-svc', 'blocked')),
      );
      const allowed = await store.transaction((tx) =>
        tx.insertGateDecision(gateRecord(release.id, 'gate-svc', 'allowed')),
      );
      await store.transaction((tx) =>
        tx.insertGateDecision(gateRecord(release.id, 'gate-svc', 'blocked', 'staging')),
      );
      assert.ok(allowed.seq > blocked.seq);
      assert.deepEqual(await store.latestGateDecision(release.id, 'production'), allowed);
      assert.deepEqual(await store.latestGateDecisionHead(release.id, 'production'), {
        seq: allowed.seq,
        decision: 'allowed',
        decisionHash: allowed.decisionHash,
        decidedAt: allowed.decidedAt,
      });
      assert.equal(await store.latestGateDecisionHead(release.id, 'verification'), undefined);
      assert.equal((await store.latestGateDecision(release.id, 'staging'))?.decision, 'blocked');
      assert.equal(await store.latestGateDecision(release.id, 'verification'), undefined);
      assert.deepEqual(
        (await store.listGateDecisions(release.id)).map((d) => d.decisionHash),
        [
          blocked.decisionHash,
          allowed.decisionHash,
          (await store.latestGateDecision(release.id, 'staging'))?.decisionHash,
        ],
      );
    });

    it("counts a service's track record for its defect history", async () => {
      const service = `track-${randomBytes(3).toString('hex')}`;
      assert.deepEqual(await store.serviceTrackRecord(service), {
        releases: 0,
        deployments: 0,
        failedDeployments: 0,
        rolledBackDeployments: 0,
        blockedReleases: 0,
      });
      const releases = [0, 1, 2].map(() => buildRelease({ service }));
      await store.transaction(async (tx) => {
        for (const release of releases) await tx.insertRelease(release);
        const [r0, r1, r2] = releases.map((r) => r.id) as [string, string, string];
        await tx.insertDeployment(deployment(r0, { status: 'succeeded' }));
        await tx.insertDeployment(deployment(r0, { status: 'failed', environment: 'production' }));
        await tx.insertDeployment(deployment(r1, { status: 'rolled-back' }));
        await tx.insertDeployment(deployment(r2, { status: 'succeeded' }));
        await tx.insertGateDecision(gateRecord(r0, service, 'blocked'));
        await tx.insertGateDecision(gateRecord(r0, service, 'blocked', 'staging'));
        await tx.insertGateDecision(gateRecord(r1, service, 'allowed'));
      });
      assert.deepEqual(await store.serviceTrackRecord(service), {
        releases: 3,
        deployments: 4,
        failedDeployments: 1,
        rolledBackDeployments: 1,
        blockedReleases: 1,
      });
    });
  });
}
