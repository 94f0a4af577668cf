import type { AuditEntry } from '../audit-log/audit-entry.ts';
import type { Evidence } from '../evidence-record.ts';
import type { Release } from '../release.ts';

/**
 * The release dossier: one zip archive an auditor verifies offline with only the server's
 * pinned public key.
 *
 *   manifest.json          what shipped and what backed it (this type)
 *   log-proof.json         the signed checkpoint, and every audit entry about the release with its
 *                          inclusion proof, ending with the `release.exported` entry that carries
 *                          manifest.json's SHA-256: the log vouches for the manifest, the manifest
 *                          vouches for every other file by digest
 *   evidence/<sha256>/<name>  the original evidence bytes
 *   attestations/*.json    in-toto statements in DSSE envelopes signed by the server's log key
 *   report.html            the human report, standalone and printable
 */
export const MANIFEST_PATH = 'manifest.json';
export const LOG_PROOF_PATH = 'log-proof.json';
export const REPORT_PATH = 'report.html';
export const ATTESTATION_DIR = 'attestations/';
export const MANIFEST_FORMAT = 'dossier-release/v1';
export const RELEASE_PREDICATE_TYPE = 'urn:dossier:predicate:release:v1';

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

export interface DossierManifest {
  format: typeof MANIFEST_FORMAT;
  exportedAt: string;
  exportedBy: string;
  log: { origin: string };
  release: Release;
  evidence: Array<Evidence & { path: string }>;
  /** Filled as the policy, people and gate issues land; present so readers can rely on them. */
  change: null;
  riskAssessment: null;
  policy: null;
  gateDecisions: unknown[];
  signatures: unknown[];
  exceptions: unknown[];
  /** Audit entries about the release, oldest first (their proofs are in log-proof.json). */
  auditEntries: AuditEntry[];
  /** Every other file in the archive, by digest. */
  files: ManifestFile[];
}

export interface LogProofFile {
  checkpoint: { size: number; rootHash: string; note: string };
  entries: Array<{ entry: AuditEntry; inclusionProof: string[] }>;
}

/** The in-toto statement the release attestation carries. */
export interface ReleaseStatement {
  _type: 'https://in-toto.io/Statement/v1';
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicateType: typeof RELEASE_PREDICATE_TYPE;
  predicate: {
    release: { id: string; tag: string; commit: string };
    evidence: Array<{ kind: string; name: string; sha256: string }>;
  };
}

/** Where an evidence file lives in the archive: by digest, then a name safe on any filesystem. */
export function evidencePath(evidence: Pick<Evidence, 'sha256' | 'name'>): string {
  const base = evidence.name.split(/[\\/]/).pop() ?? '';
  const safe =
    base
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 120) || 'evidence';
  return `evidence/${evidence.sha256}/${safe}`;
}

export function releaseStatement(
  release: Release,
  evidence: readonly Evidence[],
): ReleaseStatement {
  const subject =
    release.artifacts.length > 0
      ? release.artifacts.map((digest) => ({
          name: release.tag,
          digest: { sha256: digest.slice('sha256:'.length) },
        }))
      : [{ name: release.tag, digest: { gitCommit: release.commit } }];
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject,
    predicateType: RELEASE_PREDICATE_TYPE,
    predicate: {
      release: { id: release.id, tag: release.tag, commit: release.commit },
      evidence: evidence.map((item) => ({ kind: item.kind, name: item.name, sha256: item.sha256 })),
    },
  };
}
