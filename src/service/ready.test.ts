import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../store/store.ts';
import { checkReady } from './ready.ts';

const storeAnswering = (countTokens: () => Promise<number>) =>
  ({ countTokens }) as unknown as Store;

describe('checkReady', () => {
  it('passes when the store answers', async () => {
    await checkReady({ store: storeAnswering(async () => 1) });
  });

  it('reports STORAGE_UNAVAILABLE, with the cause, when the store fails', async () => {
    await assert.rejects(
      checkReady({
        store: storeAnswering(async () => Promise.reject(new Error('connection refused'))),
      }),
      { code: 'STORAGE_UNAVAILABLE', message: 'storage does not answer: connection refused' },
    );
  });
});
