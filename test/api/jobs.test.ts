import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JobPageJson } from '../../src/core/wire-schemas.ts';
import { enqueueJob } from '../../src/service/jobs/enqueue-job.ts';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

describe('API: GET /v1/jobs', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi();
    const { deps } = api.services;
    await deps.store.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) {
        await enqueueJob(tx, deps, {
          kind: 'test.api',
          dedupeKey: `test.api#${i}`,
          payload: { i },
        });
      }
    });
    await deps.store.transaction((tx) =>
      tx.claimJobs({
        owner: 'api-test',
        now: '2999-01-01T00:00:00.000Z',
        leaseExpiresAt: '2999-01-01T00:01:00.000Z',
        limit: 1,
        kinds: ['test.api'],
      }),
    );
  });
  after(() => api.close());

  const get = async (query: string) => {
    const response = await api.call(`/v1/jobs${query}`);
    return { status: response.status, body: (await response.json()) as JobPageJson };
  };

  it('lists jobs newest first with their fields and a count per state', async () => {
    const { status, body } = await get('');
    assert.equal(status, 200);
    assert.deepEqual(
      body.items.map((job) => job.payload),
      [{ i: 2 }, { i: 1 }, { i: 0 }],
    );
    assert.deepEqual(body.counts, { queued: 2, running: 1, done: 0, failed: 0, dead: 0 });
    const running = body.items.find((job) => job.state === 'running');
    assert.equal(running?.leaseOwner, 'api-test');
    assert.equal(running?.attempts, 1);
    assert.match(running?.id ?? '', /^job_[0-9A-Z]{26}$/);
  });

  it('filters by state and kind, and pages with a cursor', async () => {
    assert.deepEqual(
      (await get('?state=running')).body.items.map((job) => job.payload),
      [{ i: 0 }],
    );
    assert.equal((await get('?kind=other.kind')).body.items.length, 0);
    const first = (await get('?limit=2')).body;
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    const rest = (await get(`?limit=2&cursor=${first.nextCursor}`)).body;
    assert.deepEqual(
      rest.items.map((job) => job.payload),
      [{ i: 0 }],
    );
    assert.equal(rest.nextCursor, null);
  });

  it('answers 400 for an unknown state or a foreign cursor, 401 without a token', async () => {
    const badState = await api.call('/v1/jobs?state=stuck');
    assert.equal(badState.status, 400);
    assert.equal((await badState.json()).code, 'INVALID_INPUT');
    const badCursor = await api.call('/v1/jobs?cursor=nope');
    assert.equal(badCursor.status, 400);
    assert.equal((await api.call('/v1/jobs', { auth: false })).status, 401);
  });

  it('is for admins only', async () => {
    await assert.rejects(api.services.jobs.list({ id: 'token:ci', roles: [] }), {
      name: 'DossierError',
      code: 'FORBIDDEN',
    });
  });
});
