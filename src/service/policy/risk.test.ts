import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { openTestServices, type TestServices } from '../../../test/support/services.ts';
import type { Actor } from '../../core/actor.ts';

const admin: Actor = { id: 'token:qa', roles: ['admin'] };
const REGULATED = new URL('../../../examples/policies/regulated.yaml', import.meta.url);

describe('risk assessment service', () => {
  let t: TestServices;
  let n = 0;
  const commit = () => (n++).toString(16).padStart(40, '0');

  before(async () => {
    t = await openTestServices();
    await t.services.policies.apply(admin, await readFile(REGULATED, 'utf8'));
    await t.services.services.put(admin, 'assay-engine', { criticality: 5 });
  });
  after(() => t.dispose());

  const newChange = async (title: string) =>
    (
      await t.services.changes.create(admin, {
        service: 'assay-engine',
        title,
        type: 'code',
        reason: 'Result rounding',
      })
    ).change.id;

  it('counts defect history from the service’s deployments and blocked gates, not from input', async () => {
    const first = await newChange('First change');
    const fresh = await t.services.changes.assessRisk(admin, first, {
      scope: 2,
      customerImpact: 2,
      rollbackComplexity: 2,
    });
    assert.equal(fresh.assessment.factors.defectHistory.level, 3, 'no history: unknown level');
    assert.equal(fresh.assessment.factors.criticality.level, 5, 'from the service record');

    // Four releases: two deployments fail or roll back out of four, one gate blocks.
    for (let i = 0; i < 4; i++) {
      const { release } = await t.services.releases.create(admin, {
        service: 'assay-engine',
        version: `1.${i}.0`,
        commit: commit(),
      });
      await t.services.deployments.record(admin, release.id, {
        environment: 'staging',
        status: i === 0 ? 'failed' : i === 1 ? 'rolled-back' : 'succeeded',
      });
      if (i === 3) await t.services.gates.decide(admin, release.id, 'staging');
    }
    const second = await newChange('Second change');
    const risk = await t.services.changes.assessRisk(admin, second, {
      scope: 2,
      customerImpact: 2,
      rollbackComplexity: 2,
    });
    const history = risk.assessment.factors.defectHistory;
    assert.equal(history.basis.deployments, 4);
    assert.equal(history.basis.failedOrRolledBack, 2);
    assert.equal(history.basis.gateFailures, 1);
    // 50% change failure rate reaches the top threshold of regulated.yaml: level 5.
    assert.equal(history.level, 5);
    assert.match(history.explanation, /2 of 4 deployments failed or were rolled back \(50%\)/);
    assert.ok(risk.assessment.score > fresh.assessment.score);
  });

  it('refuses out-of-range factors, naming each, and stores nothing', async () => {
    const id = await newChange('Bad factors');
    await assert.rejects(
      t.services.changes.assessRisk(admin, id, {
        scope: 0,
        customerImpact: 9,
        rollbackComplexity: 2,
      }),
      (error: { code: string; issues: Array<{ path: string }> }) => {
        assert.equal(error.code, 'INVALID_INPUT');
        assert.deepEqual(
          error.issues.map((issue) => issue.path),
          ['scope', 'customerImpact'],
        );
        return true;
      },
    );
    assert.deepEqual(await t.services.changes.riskHistory(id), []);
  });

  it('keeps a chosen class across narrative edits, and a re-assessment asks for a new choice', async () => {
    const id = await newChange('Choice');
    await t.services.changes.assessRisk(admin, id, {
      scope: 1,
      customerImpact: 1,
      rollbackComplexity: 1,
    });
    await t.services.changes.chooseRiskClass(admin, id, {
      riskClass: 'critical',
      justification: 'Touches the concentration calculation used in patient reports.',
    });
    const edited = await t.services.changes.editNarrative(admin, id, { narrative: 'Edited.' });
    assert.equal(edited.chosenClass, 'critical');
    const reassessed = await t.services.changes.assessRisk(admin, id, {
      scope: 1,
      customerImpact: 1,
      rollbackComplexity: 1,
    });
    assert.equal(reassessed.chosenClass, null);
    assert.equal(reassessed.version, 4);
    const history = await t.services.changes.riskHistory(id);
    assert.deepEqual(
      history.map((r) => [r.version, r.event, r.chosenClass]),
      [
        [1, 'assessed', null],
        [2, 'class-chosen', 'critical'],
        [3, 'narrative-edited', 'critical'],
        [4, 'assessed', null],
      ],
    );
  });

  it('refuses a class the policy does not have', async () => {
    const id = await newChange('Unknown class');
    await t.services.changes.assessRisk(admin, id, {
      scope: 1,
      customerImpact: 1,
      rollbackComplexity: 1,
    });
    await assert.rejects(
      t.services.changes.chooseRiskClass(admin, id, {
        riskClass: 'extreme',
        justification: 'A long enough justification for the test.',
      }),
      /'extreme' is not a risk class of this policy/,
    );
  });
});
