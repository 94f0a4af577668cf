import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/core/actor.ts';
import { approve, type SignerIdentity } from '../../src/service/approval/signatures.ts';
import { openDataDir } from '../../src/service/open-data-dir.ts';
import type { Services } from '../../src/service/services.ts';
import {
  createTestSchema,
  TEST_DATABASE_URL,
  type TestSchema,
  whenPostgresReachable,
} from '../../src/store/postgres/test-database.ts';

const POLICY = new URL('../fixtures/policies/approvals.yaml', import.meta.url);
const admin: Actor = { id: 'user:root', roles: ['admin'] };
const signer = (username: string): SignerIdentity => ({
  username,
  fullName: `${username} Example`,
  method: 'password',
  roles: ['engineering', 'qa'],
});

await whenPostgresReachable('signing on PostgreSQL from two instances', () => {
  describe('two instances signing the same release at the same instant (PostgreSQL)', () => {
    let schema: TestSchema;
    let dataDir: string;
    let a: Services;
    let b: Services;

    before(async () => {
      schema = await createTestSchema();
      dataDir = await mkdtemp(join(tmpdir(), 'dossier-signing-pg-'));
      const config = {
        dataDir,
        maxUploadBytes: 1024 * 1024,
        databaseUrl: TEST_DATABASE_URL,
        databaseSchema: schema.name,
      };
      a = await openDataDir(config);
      b = await openDataDir(config);
      await a.policies.apply(admin, await readFile(POLICY, 'utf8'));
    });
    after(async () => {
      await a.close();
      await b.close();
      await schema.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('counts two signers for one role once each, and refuses one person signing twice', async () => {
      for (let round = 0; round < 5; round++) {
        const { release } = await a.releases.create(admin, {
          service: 'pump',
          version: `3.${round}.0`,
          commit: round.toString(16).padStart(40, 'a'),
        });
        const sign = (services: Services, who: string) =>
          approve(
            services.deps,
            { id: `user:${who}`, roles: ['engineering'] },
            signer(who),
            release.id,
            { role: 'engineering', meaning: 'Code reviewed' },
            async () => undefined,
          );
        const results = await Promise.allSettled([
          sign(a, 'erin'),
          sign(b, 'erin'),
          sign(a, 'frank'),
          sign(b, 'gus'),
        ]);
        const refused = results.filter((r) => r.status === 'rejected');
        assert.equal(
          refused.length,
          1,
          `round ${round}: exactly erin's second signature is refused`,
        );
        assert.match(
          String((refused[0] as PromiseRejectedResult).reason),
          /erin has already approved/,
        );
        const stored = await b.deps.store.listSignatures(release.id);
        assert.deepEqual(
          stored.map((s) => s.signer.username).sort(),
          ['erin', 'frank', 'gus'],
          `round ${round}: no lost and no double signature`,
        );
        const decision = (await b.gates.decide(admin, release.id, 'production')).decision;
        const engineering = decision.outcomes.find((o) => o.id === 'approval:engineering');
        assert.match(engineering?.reason ?? '', /3 of 2 approvals \(erin, frank, gus\)/);
      }
    });
  });
});
