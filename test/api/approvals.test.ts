import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

const APPROVALS = new URL('../fixtures/policies/approvals.yaml', import.meta.url);
const COMMIT = 'abcdef0123456789abcdef0123456789abcdef01';
const json = (method: string, body: unknown, token?: string) => ({
  method,
  headers: {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify(body),
  ...(token ? { auth: false } : {}),
});

describe('API: approvals (electronic signatures) and exceptions', () => {
  let api: ApiUnderTest;
  const sessions: Record<string, string> = {};

  before(async () => {
    api = await startApi({
      access: {
        oidc: { issuers: [], identities: [] },
        trainingRequirements: [{ role: 'qa', course: 'GCP-101', version: '3' }],
      },
    });
    const people = [
      ['alice', ['engineering']],
      ['bob', ['engineering']],
      ['quinn', ['qa']],
      ['tina', ['qa']],
      ['bruno', ['engineering']],
      ['carl', ['engineering']],
    ] as const;
    for (const [username, roles] of people) {
      const created = await api.call(
        '/v1/users',
        json('POST', {
          username,
          fullName: `${username[0]?.toUpperCase()}${username.slice(1)} Example`,
          password: `${username} password 1`,
          roles,
        }),
      );
      assert.equal(created.status, 201, await created.clone().text());
      const session = await api.call('/v1/sessions', {
        ...json('POST', { username, password: `${username} password 1` }),
        auth: false,
      });
      sessions[username] = (await session.json()).token;
    }
    // Quinn, and Bruno and Carl (backup approvers), are trained for QA; Tina is not.
    for (const who of ['quinn', 'bruno', 'carl']) {
      await api.call(
        `/v1/users/${who}/training`,
        json('POST', { course: 'GCP-101', version: '3', completedOn: '2026-01-10' }),
      );
    }
    await api.call('/v1/policies/default', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: await readFile(APPROVALS, 'utf8'),
    });
  });
  after(() => api.close());

  const newRelease = async (version: string, as = 'alice') => {
    const response = await api.call(
      '/v1/releases',
      json('POST', { service: 'pump', version, commit: COMMIT }, sessions[as]),
    );
    assert.equal(response.status, 201, await response.clone().text());
    return (await response.json()) as { id: string; tag: string };
  };
  const sign = (releaseId: string, who: string, body: Record<string, unknown>) =>
    api.call(
      `/v1/releases/${releaseId}/approvals`,
      json('POST', { password: `${who} password 1`, ...body }, sessions[who]),
    );

  it('records who signed, with full name, role, meaning, time, method and the hash of what was signed', async () => {
    const release = await newRelease('1.0.0');
    const view = await (await api.call(`/v1/releases/${release.id}/approvals`)).json();
    assert.ok(view.lines.some((line: string) => line.startsWith('policy sha256:')));
    const response = await sign(release.id, 'quinn', {
      role: 'qa',
      meaning: 'QA evidence reviewed',
    });
    assert.equal(response.status, 201, await response.clone().text());
    const signature = await response.json();
    assert.deepEqual(signature.signer, { username: 'quinn', fullName: 'Quinn Example' });
    assert.equal(signature.role, 'qa');
    assert.equal(signature.meaning, 'QA evidence reviewed');
    assert.equal(signature.authMethod, 'password');
    assert.equal(signature.contentHash, view.contentHash);
    const gate = await (await api.call(`/v1/releases/${release.id}/gate?env=production`)).json();
    const qa = gate.decision.outcomes.find((o: { id: string }) => o.id === 'approval:qa');
    assert.equal(qa.status, 'passed');
  });

  it('lists the releases pending my approval: a role I hold that the latest gate decision waits for', async () => {
    const release = await newRelease('1.0.1');
    const pendingFor = async (who?: string) => {
      const response = await api.call(
        '/v1/releases?pending=mine&env=production&limit=200',
        who ? { headers: { authorization: `Bearer ${sessions[who]}` }, auth: false } : {},
      );
      assert.equal(response.status, 200, await response.clone().text());
      return ((await response.json()).items as { tag: string }[]).map((item) => item.tag);
    };
    const waitingFor = async (role: string) => {
      const response = await api.call('/v1/dashboards/approvals');
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.bins[0], 'today');
      const row = body.roles.find((r: { role: string }) => r.role === role);
      return row ? (row.counts[0] as number) : 0;
    };
    const qaCycles = async () => {
      const response = await api.call('/v1/dashboards/approval-cycles');
      assert.equal(response.status, 200, await response.clone().text());
      const body = await response.json();
      return (body.byRole.find((r: { role: string }) => r.role === 'qa')?.approvals ?? 0) as number;
    };
    const qaWaiting = await waitingFor('qa');
    const qaApproved = await qaCycles();
    // Not asked yet: nothing is pending anywhere for it.
    assert.ok(!(await pendingFor('quinn')).includes(release.tag));
    await api.call(`/v1/releases/${release.id}/gate?env=production`);
    assert.equal(await waitingFor('qa'), qaWaiting + 1);
    assert.ok((await pendingFor('quinn')).includes(release.tag));
    assert.ok((await pendingFor('bob')).includes(release.tag));
    // The operator's admin token holds no role the policy asks for.
    assert.ok(!(await pendingFor()).includes(release.tag));

    const signed = await sign(release.id, 'quinn', { role: 'qa', meaning: 'QA evidence reviewed' });
    assert.equal(signed.status, 201, await signed.clone().text());
    await api.call(`/v1/releases/${release.id}/gate?env=production`);
    assert.ok(!(await pendingFor('quinn')).includes(release.tag));
    assert.ok((await pendingFor('bob')).includes(release.tag));
    assert.equal(await waitingFor('qa'), qaWaiting);
    // The wait ended with Quinn's signature: one more qa approval cycle today.
    assert.equal(await qaCycles(), qaApproved + 1);
  });

  it('refuses a wrong password, a missing training, an API token and the release creator, each audited', async () => {
    const release = await newRelease('1.1.0', 'bob');
    const wrong = await sign(release.id, 'quinn', {
      role: 'qa',
      meaning: 'QA evidence reviewed',
      password: 'not it',
    });
    assert.equal(wrong.status, 403);
    assert.equal((await wrong.json()).code, 'REAUTHENTICATION_FAILED');

    const untrained = await sign(release.id, 'tina', { role: 'qa', meaning: 'QA reviewed' });
    assert.equal(untrained.status, 403);
    assert.match((await untrained.json()).detail, /GCP-101/);

    const byToken = await api.call(
      `/v1/releases/${release.id}/approvals`,
      json('POST', { role: 'qa', meaning: 'x y z', password: 'whatever' }),
    );
    assert.equal(byToken.status, 403);
    assert.match((await byToken.json()).detail, /not a signed-in person/);

    const own = await sign(release.id, 'bob', { role: 'engineering', meaning: 'Code reviewed' });
    assert.equal(own.status, 403);
    assert.match((await own.json()).detail, /bob created this release/);

    const entries = await api.services.deps.store.listAuditEntriesFor(`release:${release.id}`);
    assert.equal(entries.filter((e) => e.action === 'signature.refused').length, 2);
    assert.equal((await api.services.deps.store.listSignatures(release.id)).length, 0);
  });

  it('withdraws by a new signed record and the gate asks for the approval again', async () => {
    const release = await newRelease('1.2.0');
    const signature = await (
      await sign(release.id, 'bob', { role: 'engineering', meaning: 'Code reviewed' })
    ).json();
    const withdrawn = await api.call(
      `/v1/signatures/${signature.id}/withdraw`,
      json('POST', { meaning: 'Missed a migration', password: 'bob password 1' }, sessions.bob),
    );
    assert.equal(withdrawn.status, 201, await withdrawn.clone().text());
    const view = await (await api.call(`/v1/releases/${release.id}/approvals`)).json();
    assert.deepEqual(
      view.signatures.map((s: { kind: string; status: string }) => `${s.kind}:${s.status}`),
      ['approval:withdrawn', 'withdrawal:valid'],
    );
    const again = await api.call(
      `/v1/signatures/${signature.id}/withdraw`,
      json('POST', { meaning: 'Withdrawing twice', password: 'bob password 1' }, sessions.bob),
    );
    assert.equal(again.status, 403);
    assert.match((await again.json()).detail, /was already withdrawn at .* \(sig_/);
  });

  it("lets only a condition's owner or signer mark it met, once, with the release's evidence", async () => {
    const release = await newRelease('1.2.5');
    const attached = await api.call(
      `/v1/releases/${release.id}/evidence?kind=custom&name=bench-test.txt`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: 'bench test passed',
      },
    );
    assert.equal(attached.status, 201, await attached.clone().text());
    const evidenceId = (await attached.json()).evidence.id;
    const signed = await sign(release.id, 'quinn', {
      role: 'qa',
      meaning: 'QA reviewed, pending the bench test',
      condition: { text: 'Bench test report', owner: 'tina', deadline: '2099-01-01T00:00:00Z' },
    });
    assert.equal(signed.status, 201, await signed.clone().text());
    const signature = await signed.json();
    const meet = (who: string) =>
      api.call(
        `/v1/signatures/${signature.id}/condition-met`,
        json('POST', { evidenceId }, sessions[who]),
      );
    const byOther = await meet('bob');
    assert.equal(byOther.status, 403);
    assert.match(
      (await byOther.json()).detail,
      /only tina \(the condition's owner\) or quinn \(who signed\) may mark the condition of sig_\S+ met; user:bob may not/,
    );
    assert.equal((await meet('tina')).status, 204);
    const twice = await meet('quinn');
    assert.equal(twice.status, 403);
    assert.match((await twice.json()).detail, /already met at/);
    const view = await (await api.call(`/v1/releases/${release.id}/approvals`)).json();
    assert.equal(view.signatures[0].status, 'valid');
  });

  it('lets a backup approver sign for the delegator inside the window, recorded as such', async () => {
    const release = await newRelease('1.3.0');
    const delegated = await api.call(
      '/v1/delegations',
      json(
        'POST',
        {
          delegate: 'bruno',
          role: 'qa',
          startsAt: '2026-11-20T00:00:00Z',
          endsAt: '2026-11-30T00:00:00Z',
          reason: 'Quinn on leave',
        },
        sessions.quinn,
      ),
    );
    assert.equal(delegated.status, 201, await delegated.clone().text());
    const signed = await sign(release.id, 'bruno', {
      role: 'qa',
      meaning: 'QA evidence reviewed (backup)',
      onBehalfOf: 'quinn',
    });
    assert.equal(signed.status, 201, await signed.clone().text());
    const signature = await signed.json();
    assert.equal(signature.signer.username, 'bruno');
    assert.equal(signature.delegation.onBehalfOf, 'quinn');
    const gate = await (await api.call(`/v1/releases/${release.id}/gate?env=production`)).json();
    assert.equal(
      gate.decision.outcomes.find((o: { id: string }) => o.id === 'approval:qa').status,
      'passed',
    );
  });

  it('refuses signing under an expired delegation, and without one, each audited', async () => {
    const release = await newRelease('1.4.0');
    await api.call(
      '/v1/delegations',
      json(
        'POST',
        {
          delegate: 'carl',
          role: 'qa',
          startsAt: '2026-10-01T00:00:00Z',
          endsAt: '2026-10-15T00:00:00Z',
          reason: 'Quinn at a conference',
        },
        sessions.quinn,
      ),
    );
    const expired = await sign(release.id, 'carl', {
      role: 'qa',
      meaning: 'QA reviewed',
      onBehalfOf: 'quinn',
    });
    assert.equal(expired.status, 403);
    assert.match((await expired.json()).detail, /expired at 2026-10-15/);
    const none = await sign(release.id, 'carl', {
      role: 'qa',
      meaning: 'QA reviewed',
      onBehalfOf: 'tina',
    });
    assert.match((await none.json()).detail, /tina has not delegated to carl/);
    const refusals = (
      await api.services.deps.store.listAuditEntriesFor(`release:${release.id}`)
    ).filter((e) => e.action === 'signature.refused');
    assert.equal(refusals.length, 2);
  });

  it('shows delegations to the people they name, and all of them to admins', async () => {
    const seenBy = async (who?: string) => {
      const response = await api.call(
        '/v1/delegations',
        who ? { headers: { authorization: `Bearer ${sessions[who]}` }, auth: false } : {},
      );
      assert.equal(response.status, 200, await response.clone().text());
      const items = (await response.json()).items as { delegator: string; delegate: string }[];
      return items.map((d) => `${d.delegator}→${d.delegate}`).sort();
    };
    assert.deepEqual(await seenBy('bruno'), ['quinn→bruno']);
    assert.deepEqual(await seenBy('carl'), ['quinn→carl']);
    assert.deepEqual(await seenBy('quinn'), ['quinn→bruno', 'quinn→carl']);
    assert.deepEqual(await seenBy('tina'), []);
    assert.deepEqual(await seenBy(), ['quinn→bruno', 'quinn→carl']);
  });

  it('refuses a delegation of a role the delegator does not hold', async () => {
    const response = await api.call(
      '/v1/delegations',
      json(
        'POST',
        {
          delegate: 'carl',
          role: 'regulatory',
          startsAt: '2026-11-20T00:00:00Z',
          endsAt: '2026-11-30T00:00:00Z',
          reason: 'Regulatory lead away',
        },
        sessions.quinn,
      ),
    );
    assert.equal(response.status, 400);
    assert.match((await response.json()).detail, /quinn does not hold regulatory/);
  });

  it('refuses a delegation of a role nobody signs for (admin, auditor)', async () => {
    const response = await api.call(
      '/v1/delegations',
      json('POST', {
        delegator: 'quinn',
        delegate: 'carl',
        role: 'admin',
        startsAt: '2026-11-20T00:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
        reason: 'Admin away',
      }),
    );
    assert.equal(response.status, 400);
    assert.match(
      (await response.json()).detail,
      /role: only a signing role is delegated \(engineering, qa,/,
    );
  });
});
