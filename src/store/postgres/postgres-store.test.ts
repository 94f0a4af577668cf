import { runStoreConformance } from '../store.conformance.ts';
import { openPostgresStore } from './postgres-store.ts';
import { createTestSchema, TEST_DATABASE_URL, whenPostgresReachable } from './test-database.ts';

await whenPostgresReachable('Store conformance: postgres', () =>
  runStoreConformance({
    name: 'postgres',
    async open() {
      const schema = await createTestSchema();
      const open = () => openPostgresStore({ url: TEST_DATABASE_URL, schema: schema.name });
      let store = await open();
      return {
        store,
        async reopen() {
          await store.close();
          store = await open();
          return store;
        },
        async dispose() {
          await store.close();
          await schema.drop();
        },
      };
    },
  }),
);
