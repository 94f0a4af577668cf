import { createPublicKey, type KeyObject } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  type TrustMaterial as SigstoreTrustMaterial,
  toTrustMaterial,
  VerificationError,
} from '@sigstore/verify';
import type { TrustMaterial } from '../format.ts';
import { PROVENANCE_LIMITS } from './limits.ts';

export interface ConfiguredKey {
  keyId: string;
  key: KeyObject;
}

/** The admin's Sigstore trusted root, ready for verification. */
export interface SigstoreTrust {
  material: SigstoreTrustMaterial;
  /** Every certificate of every Fulcio CA chain in the root. */
  caCertificates: X509Certificate[];
  /** Transparency-log ids (raw key ids) the root lists. */
  tlogIds: Buffer[];
  /** Signing certificates of the timestamp authorities: issuer and serial number. */
  tsaSigners: { issuer: Buffer; serialNumber: Buffer }[];
}

/** Trust material parsed once per file: configured keys and the Sigstore trusted root. */
export interface PreparedTrust {
  keys: ConfiguredKey[];
  sigstore: SigstoreTrust | undefined;
  /** Why the trusted root is unusable, when it is configured but cannot be read. */
  sigstoreProblem: string | undefined;
  /** Configuration problems (a key that is not a public key), reported on the summary. */
  warnings: string[];
  /** Signature checks left for this file (`maxSignatureChecks`). */
  checksLeft: number;
}

/**
 * Takes one signature check from the file's allowance; when none is left, the reason the
 * signature goes unchecked.
 */
export function takeCheck(trust: PreparedTrust): string | undefined {
  if (trust.checksLeft <= 0) {
    return `not checked: the file holds more than ${PROVENANCE_LIMITS.maxSignatureChecks} signatures, the most checked in one file`;
  }
  trust.checksLeft--;
  return undefined;
}

export function prepareTrust(trust: TrustMaterial): PreparedTrust {
  const warnings: string[] = [];
  const keys: ConfiguredKey[] = [];
  for (const { keyId, pem } of trust.dsseKeys) {
    try {
      keys.push({ keyId, key: createPublicKey(pem) });
    } catch (error) {
      warnings.push(
        `configured key ${JSON.stringify(keyId)} is not a readable public key (${message(error)}); it was not used`,
      );
    }
  }
  const checksLeft = PROVENANCE_LIMITS.maxSignatureChecks;
  if (trust.sigstoreTrustedRoot === undefined) {
    return { keys, sigstore: undefined, sigstoreProblem: undefined, warnings, checksLeft };
  }
  try {
    return {
      keys,
      sigstore: readTrustedRoot(trust.sigstoreTrustedRoot, keys),
      sigstoreProblem: undefined,
      warnings,
      checksLeft,
    };
  } catch (error) {
    return {
      keys,
      sigstore: undefined,
      sigstoreProblem: `the configured Sigstore trusted root cannot be read (${message(error)})`,
      warnings,
      checksLeft,
    };
  }
}

function readTrustedRoot(text: string, keys: ConfiguredKey[]): SigstoreTrust {
  const json: unknown = JSON.parse(text);
  if (typeof json !== 'object' || json === null || !('certificateAuthorities' in json)) {
    throw new Error('it is not a TrustedRoot document (no certificateAuthorities)');
  }
  const root = TrustedRoot.fromJSON(json);
  const material = toTrustMaterial(root, (hint: string) => {
    const found = keys.find((candidate) => candidate.keyId === hint);
    if (!found) {
      throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: `key not found: ${hint}` });
    }
    return { publicKey: found.key, validFor: () => true };
  });
  return {
    material,
    caCertificates: material.certificateAuthorities.flatMap((ca) => ca.certChain),
    tlogIds: material.tlogs.map((log) => log.logID),
    tsaSigners: material.timestampAuthorities.flatMap((tsa) => {
      const leaf = tsa.certChain[0];
      return leaf ? [{ issuer: leaf.issuer, serialNumber: leaf.serialNumber }] : [];
    }),
  };
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
