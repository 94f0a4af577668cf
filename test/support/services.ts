import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessConfig } from '../../src/core/access/access-config.ts';
import { type Clock, fixedClock } from '../../src/service/clock.ts';
import { openDataDir } from '../../src/service/open-data-dir.ts';
import type { PasswordHashParams } from '../../src/service/password-hash.ts';
import type { Services } from '../../src/service/services.ts';

export const TEST_PASSWORD_PARAMS: PasswordHashParams = { logN: 10, r: 8, p: 1 };

export interface TestServices {
  services: Services;
  dataDir: string;
  dispose(): Promise<void>;
}

/** Services on a fresh temporary data directory, with a clock that ticks 1 ms per reading. */
export async function openTestServices(
  options: { maxUploadBytes?: number; access?: AccessConfig; clock?: Clock } = {},
): Promise<TestServices> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dossier-services-'));
  const services = await openDataDir(
    { dataDir, maxUploadBytes: options.maxUploadBytes ?? 1024 * 1024 },
    {
      clock: options.clock ?? fixedClock('2026-11-23T10:00:00Z', 1),
      // Cheap scrypt (1 MiB) keeps tests fast; DEFAULT_PASSWORD_PARAMS is tested on its own.
      passwordParams: TEST_PASSWORD_PARAMS,
      ...(options.access ? { access: options.access } : {}),
    },
  );
  return {
    services,
    dataDir,
    async dispose() {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function* bytes(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}
