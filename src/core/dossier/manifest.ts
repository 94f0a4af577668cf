import type { SignatureRecord, SignatureStatus } from '../approval/signature.ts';
import type { AuditEntry } from '../audit-log/audit-entry.ts';
import type { ChangeRequest } from '../change/change-request.ts';
import type { Evidence } from '../evidence-record.ts';
import type { ExceptionRecord, ExceptionState } from '../exception/exception.ts';
import type { GateDecisionRecord } from '../policy/gate-record.ts';
import type { Release } from '../release.ts';
import type { RiskRecord } from '../risk/risk-record.ts';

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
 *   attestations/*.json    in-toto statements in DSSE envelopes signed by the server's log key:
 *                          the release, and each recorded gate decision
 *   policies/<sha256>.yaml the policy documents the gate decisions (and the service) refer to
 *   report.html            the human report, standalone and printable
 */
export const MANIFEST_PATH = 'manifest.json';
export const LOG_PROOF_PATH = 'log-proof.json';
export const REPORT_PATH = 'report.html';
export const ATTESTATION_DIR = 'attestations/';
export const MANIFEST_FORMAT = 'dossier-release/v1';
export const RELEASE_PREDICATE_TYPE = 'urn:dossier:predicate:release:v1';
export const GATE_PREDICATE_TYPE = 'urn:dossier:predicate:gate-decision:v1';
export const SIGNATURE_PREDICATE_TYPE = 'urn:dossier:predicate:signature:v1';
export const POLICY_DIR = 'policies/';

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
  /** The change request the release names, if it is recorded. */
  change: ChangeRequest | null;
  /** The change's current risk assessment; `riskHistory` has every version, oldest first. */
  riskAssessment: RiskRecord | null;
  riskHistory: RiskRecord[];
  /** The policy active for the service at export (its text is under `policies/`). */
  policy: PolicyRef | null;
  /** Every policy the export refers to: the active one and each gate decision's. */
  policies: PolicyRef[];
  /** Every distinct gate decision recorded for the release, oldest first, each attested. */
  gateDecisions: GateDecisionRecord[];
  /** Every signature on the release (approvals and withdrawals), with its status at export. */
  signatures: Array<SignatureRecord & { status: SignatureStatus; statusReason: string }>;
  /** Exceptions whose scope names the release or its service, with their state at export. */
  exceptions: Array<ExceptionRecord & { state: ExceptionState }>;
  /** Audit entries about the release, oldest first (their proofs are in log-proof.json). */
  auditEntries: AuditEntry[];
  /** Every other file in the archive, by digest. */
  files: ManifestFile[];
}

export interface PolicyRef {
  version: number;
  sha256: string;
  name: string;
  /** Where the exact YAML text is in the archive. */
  path: string;
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

/** The in-toto statement a gate decision attestation carries: the release, and the decision. */
export interface GateStatement {
  _type: 'https://in-toto.io/Statement/v1';
  subject: ReleaseStatement['subject'];
  predicateType: typeof GATE_PREDICATE_TYPE;
  predicate: {
    release: { id: string; tag: string; commit: string };
    recordedAt: string;
    decision: GateDecisionRecord['body'];
  };
}

/** The in-toto statement an approval (or withdrawal) attestation carries. */
export interface SignatureStatement {
  _type: 'https://in-toto.io/Statement/v1';
  subject: ReleaseStatement['subject'];
  predicateType: typeof SIGNATURE_PREDICATE_TYPE;
  predicate: { signature: SignatureRecord };
}

export function signatureAttestationPath(signature: Pick<SignatureRecord, 'id'>): string {
  return `${ATTESTATION_DIR}signature-${signature.id}.intoto.json`;
}

/** The signature as recorded, without the status it had at export (that is not what was signed). */
export function signatureStatement(
  release: Release,
  signature: SignatureRecord,
): SignatureStatement {
  const {
    status: _status,
    statusReason: _reason,
    ...recorded
  } = signature as SignatureRecord & { status?: unknown; statusReason?: unknown };
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: releaseSubject(release),
    predicateType: SIGNATURE_PREDICATE_TYPE,
    predicate: { signature: recorded },
  };
}

export function policyPath(sha256: string): string {
  return `${POLICY_DIR}${sha256}.yaml`;
}

export function gateAttestationPath(
  record: Pick<GateDecisionRecord, 'seq' | 'environment'>,
): string {
  return `${ATTESTATION_DIR}gate-${record.seq}-${record.environment}.intoto.json`;
}

export function gateStatement(release: Release, record: GateDecisionRecord): GateStatement {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: releaseSubject(release),
    predicateType: GATE_PREDICATE_TYPE,
    predicate: {
      release: { id: release.id, tag: release.tag, commit: release.commit },
      recordedAt: record.decidedAt,
      decision: record.body,
    },
  };
}

function releaseSubject(release: Release): ReleaseStatement['subject'] {
  return release.artifacts.length > 0
    ? release.artifacts.map((digest) => ({
        name: release.tag,
        digest: { sha256: digest.slice('sha256:'.length) },
      }))
    : [{ name: release.tag, digest: { gitCommit: release.commit } }];
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
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: releaseSubject(release),
    predicateType: RELEASE_PREDICATE_TYPE,
    predicate: {
      release: { id: release.id, tag: release.tag, commit: release.commit },
      evidence: evidence.map((item) => ({ kind: item.kind, name: item.name, sha256: item.sha256 })),
    },
  };
}
