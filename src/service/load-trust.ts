import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DossierError } from '../core/errors.ts';
import type { TrustMaterial } from '../evidence/format.ts';
import type { Config } from './config.ts';

const KeysFile = z.array(
  z.union([
    z.object({ keyId: z.string().min(1), pem: z.string().min(1) }).strict(),
    z.object({ keyId: z.string().min(1), pemFile: z.string().min(1) }).strict(),
  ]),
);

/**
 * Reads the trust material an admin configured for evidence signatures: a Sigstore trusted root
 * (DOSSIER_TRUSTED_ROOT, the JSON of a TrustedRoot) and DSSE public keys (DOSSIER_DSSE_KEYS, a
 * JSON list of `{ keyId, pem }` or `{ keyId, pemFile }`, paths relative to that file). Read once
 * at start; a file that cannot be used stops the start with a message naming it.
 */
export async function loadTrust(
  config: Pick<Config, 'trustedRoot' | 'dsseKeys'>,
): Promise<TrustMaterial> {
  const trust: TrustMaterial = { dsseKeys: [] };
  if (config.trustedRoot) {
    const text = await readSetting(config.trustedRoot, 'DOSSIER_TRUSTED_ROOT');
    try {
      const root = JSON.parse(text) as { certificateAuthorities?: unknown };
      if (!Array.isArray(root.certificateAuthorities))
        throw new Error('it has no certificateAuthorities list');
    } catch (error) {
      throw new DossierError(
        'INVALID_INPUT',
        `DOSSIER_TRUSTED_ROOT ${config.trustedRoot} is not a Sigstore trusted root: ${(error as Error).message}`,
      );
    }
    trust.sigstoreTrustedRoot = text;
  }
  if (config.dsseKeys) {
    const text = await readSetting(config.dsseKeys, 'DOSSIER_DSSE_KEYS');
    let entries: z.infer<typeof KeysFile>;
    try {
      entries = KeysFile.parse(JSON.parse(text));
    } catch (error) {
      throw new DossierError(
        'INVALID_INPUT',
        `DOSSIER_DSSE_KEYS ${config.dsseKeys} must be a JSON list of { keyId, pem } or { keyId, pemFile }: ${(error as Error).message}`,
      );
    }
    const keys = [];
    for (const entry of entries) {
      const pem =
        'pem' in entry
          ? entry.pem
          : await readSetting(
              resolve(dirname(config.dsseKeys), entry.pemFile),
              `key ${entry.keyId}`,
            );
      try {
        createPublicKey(pem);
      } catch (error) {
        throw new DossierError(
          'INVALID_INPUT',
          `DOSSIER_DSSE_KEYS: key ${entry.keyId} is not a public key: ${(error as Error).message}`,
        );
      }
      keys.push({ keyId: entry.keyId, pem });
    }
    trust.dsseKeys = keys;
  }
  return trust;
}

async function readSetting(path: string, setting: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new DossierError(
      'INVALID_INPUT',
      `${setting}: cannot read ${path}: ${(error as Error).message}`,
      {
        issues: [{ path: setting, message: 'cannot read' }],
      },
    );
  }
}
