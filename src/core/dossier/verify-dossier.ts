import { createHash } from 'node:crypto';
import { signedContentHash } from '../approval/signed-content.ts';
import { type AuditEntry, isAuditEntryIntact } from '../audit-log/audit-entry.ts';
import { canonicalJson } from '../audit-log/canonical-json.ts';
import { parseCheckpoint } from '../audit-log/checkpoint.ts';
import { toHex } from '../audit-log/merkle-hash.ts';
import { verifyInclusion } from '../audit-log/merkle-tree.ts';
import { type VerifierKey, verifySignedNote } from '../audit-log/signed-note.ts';
import { decisionHash, type GateDecision } from '../policy/evaluate-gate.ts';
import { verifyDsse } from './dsse.ts';
import {
  ATTESTATION_DIR,
  type DossierManifest,
  gateAttestationPath,
  gateStatement,
  LOG_PROOF_PATH,
  type LogProofFile,
  MANIFEST_FORMAT,
  MANIFEST_PATH,
  releaseStatement,
  signatureAttestationPath,
  signatureStatement,
} from './manifest.ts';

/** What the archive reader found: every entry's digest, and the bytes of the small JSON files. */
export interface ArchiveContents {
  files: ReadonlyMap<string, { sha256: string; size: number }>;
  /** Full bytes of manifest.json, log-proof.json and attestations/*.json. */
  texts: ReadonlyMap<string, Uint8Array>;
}

export interface DossierCheck {
  /** What was checked: `file digest`, `checkpoint signature`, `inclusion proof`, … */
  check: string;
  /** Which file, entry or attestation. */
  target: string;
  ok: boolean;
  detail?: string;
}

export interface DossierVerdict {
  verified: boolean;
  release?: { id: string; tag: string };
  checkpoint?: { size: number; keyName: string };
  checks: DossierCheck[];
}

/**
 * Verifies a release dossier offline. Trust flows from the pinned key only: the checkpoint is
 * signed by it, each audit entry is proven into that checkpoint, the export entry carries the
 * manifest's digest, and the manifest carries every other file's digest. Nothing inside the
 * archive is trusted for keys. Every check is reported, passed or failed, so a change to any byte
 * is named by the file and the check it broke.
 */
export function verifyDossier(
  contents: ArchiveContents,
  keys: readonly VerifierKey[],
): DossierVerdict {
  const checks: DossierCheck[] = [];
  const pass = (check: string, target: string) => checks.push({ check, target, ok: true });
  const fail = (check: string, target: string, detail: string) =>
    checks.push({ check, target, ok: false, detail });

  const manifestBytes = contents.texts.get(MANIFEST_PATH);
  const proofBytes = contents.texts.get(LOG_PROOF_PATH);
  if (!manifestBytes) fail('required file', MANIFEST_PATH, 'missing from the archive');
  if (!proofBytes) fail('required file', LOG_PROOF_PATH, 'missing from the archive');
  const manifest = manifestBytes
    ? parseJson<DossierManifest>(manifestBytes, MANIFEST_PATH, fail)
    : undefined;
  const proof = proofBytes ? parseJson<LogProofFile>(proofBytes, LOG_PROOF_PATH, fail) : undefined;
  if (!manifest || !proof || !manifestBytes) return { verified: false, checks };
  if (manifest.format !== MANIFEST_FORMAT) {
    fail(
      'manifest format',
      MANIFEST_PATH,
      `is "${String(manifest.format)}", expected ${MANIFEST_FORMAT}`,
    );
    return { verified: false, checks };
  }
  const release = manifest.release;
  const verdict: DossierVerdict = {
    verified: false,
    release: { id: release?.id, tag: release?.tag },
    checks,
  };

  // 1. The checkpoint: signed by a pinned key, for this log.
  const checkpoint = proof.checkpoint;
  const note = verifySignedNote(String(checkpoint?.note ?? ''), keys);
  let root: Uint8Array | undefined;
  let size = -1;
  if (!note.ok) {
    fail('checkpoint signature', LOG_PROOF_PATH, note.detail);
  } else {
    const body = parseCheckpoint(note.text);
    root = body.rootHash;
    size = body.size;
    verdict.checkpoint = { size, keyName: note.keyName };
    if (body.origin !== manifest.log?.origin) {
      fail(
        'checkpoint origin',
        LOG_PROOF_PATH,
        `checkpoint is for log "${body.origin}", manifest names "${manifest.log?.origin}"`,
      );
    } else if (body.size !== checkpoint.size || toHex(body.rootHash) !== checkpoint.rootHash) {
      fail('checkpoint fields', LOG_PROOF_PATH, 'size or root hash differ from the signed note');
    } else {
      pass('checkpoint signature', `${LOG_PROOF_PATH} (tree size ${size}, key ${note.keyName})`);
    }
  }

  // 2. Every audit entry: content matches its hash, and the hash is in the signed tree.
  const entries = Array.isArray(proof.entries) ? proof.entries : [];
  for (const item of entries) {
    const entry = item?.entry as AuditEntry;
    const target = `audit entry ${entry?.seq} (${entry?.action})`;
    if (!entry || !isAuditEntryIntact(entry)) {
      fail('audit entry hash', target, 'the entry’s content does not match its leaf hash');
      continue;
    }
    if (entry.subject !== `release:${release.id}`) {
      fail('audit entry subject', target, `is about ${entry.subject}, not release:${release.id}`);
      continue;
    }
    if (!root) continue;
    const inclusion = verifyInclusion(
      entry.seq,
      size,
      Buffer.from(entry.leafHash, 'hex'),
      (item.inclusionProof ?? []).map((hash: string) => Buffer.from(hash, 'hex')),
      root,
    );
    if (inclusion.ok) pass('inclusion proof', target);
    else
      fail('inclusion proof', target, `not proven in the checkpointed log (${inclusion.reason})`);
  }

  // 3. The export entry vouches for the manifest's exact bytes.
  const exported = entries.at(-1)?.entry as AuditEntry | undefined;
  const manifestSha256 = createHash('sha256').update(manifestBytes).digest('hex');
  if (exported?.action !== 'release.exported') {
    fail('export entry', LOG_PROOF_PATH, 'the last entry is not the release.exported entry');
  } else if (exported.details.manifestSha256 !== manifestSha256) {
    fail(
      'manifest digest',
      MANIFEST_PATH,
      `SHA-256 ${manifestSha256} is not the digest the log recorded at export`,
    );
  } else {
    pass('manifest digest', MANIFEST_PATH);
  }

  // 4. The manifest's audit entries are exactly the proven ones (minus the export entry).
  const proven = new Map(
    entries.slice(0, -1).map((item) => [item.entry?.seq, item.entry?.leafHash]),
  );
  for (const entry of manifest.auditEntries ?? []) {
    if (proven.get(entry.seq) !== entry.leafHash) {
      fail(
        'manifest audit entry',
        `audit entry ${entry.seq}`,
        'not among the proven entries in log-proof.json',
      );
    }
  }
  if ((manifest.auditEntries ?? []).length !== proven.size) {
    fail(
      'manifest audit entries',
      MANIFEST_PATH,
      `lists ${(manifest.auditEntries ?? []).length} entries, log-proof.json proves ${proven.size}`,
    );
  }

  // 5. Every file is listed with its digest, and every listed file is present and unchanged.
  const listed = new Map((manifest.files ?? []).map((file) => [file.path, file]));
  for (const [path, actual] of contents.files) {
    if (path === MANIFEST_PATH || path === LOG_PROOF_PATH) continue;
    const expected = listed.get(path);
    if (!expected) fail('unlisted file', path, 'present in the archive but not in the manifest');
    else if (expected.sha256 !== actual.sha256 || expected.size !== actual.size) {
      fail(
        'file digest',
        path,
        `SHA-256 ${actual.sha256} (${actual.size} bytes), manifest says ${expected.sha256} (${expected.size} bytes)`,
      );
    } else pass('file digest', path);
  }
  for (const path of listed.keys()) {
    if (!contents.files.has(path))
      fail('missing file', path, 'listed in the manifest but not in the archive');
  }
  for (const evidence of manifest.evidence ?? []) {
    if (listed.get(evidence.path)?.sha256 !== evidence.sha256) {
      fail(
        'evidence digest',
        evidence.path,
        `the manifest lists it with a digest other than the evidence record's ${evidence.sha256}`,
      );
    }
  }

  // 6. Attestations: signed by a pinned key, and about this release and this evidence (the
  // release statement) or about one of its recorded gate decisions (a gate statement).
  const expectedStatement = canonicalJson(releaseStatement(release, manifest.evidence ?? []));
  const decisions = Array.isArray(manifest.gateDecisions) ? manifest.gateDecisions : [];
  const signatures = Array.isArray(manifest.signatures) ? manifest.signatures : [];
  const gateStatements = new Map([
    ...decisions.map(
      (record) =>
        [gateAttestationPath(record), canonicalJson(gateStatement(release, record))] as const,
    ),
    ...signatures.map(
      (signature) =>
        [
          signatureAttestationPath(signature),
          canonicalJson(signatureStatement(release, signature)),
        ] as const,
    ),
  ]);
  for (const [path, bytes] of contents.texts) {
    if (!path.startsWith(ATTESTATION_DIR)) continue;
    const envelope = parseJson<unknown>(bytes, path, fail);
    if (envelope === undefined) continue;
    const check = verifyDsse(envelope, keys);
    const expected = gateStatements.get(path) ?? expectedStatement;
    if (!check.ok) {
      fail('attestation signature', path, check.problem);
    } else if (canonicalPayload(check.payload) !== expected) {
      fail(
        'attestation subject',
        path,
        gateStatements.has(path)
          ? 'the signed statement is not the gate decision or signature the manifest records'
          : 'the signed statement is not about this release and its evidence',
      );
    } else {
      pass('attestation signature', path);
    }
  }

  // 7. Gate decisions: each hash recomputes from its content, the log recorded it, it is attested,
  // and the policy it was made under is in the archive.
  const loggedDecisions = new Set(
    entries
      .map((item) => item?.entry as AuditEntry | undefined)
      .filter((entry) => entry?.action === 'gate.decided')
      .map((entry) => String(entry?.details.decisionHash)),
  );
  const policies = new Map(
    (Array.isArray(manifest.policies) ? manifest.policies : []).map((ref) => [ref.sha256, ref]),
  );
  for (const record of decisions) {
    const target = `gate decision ${record.seq} (${record.environment})`;
    const { decisionHash: stated, ...decided } = record.body ?? ({} as GateDecision);
    if (stated !== record.decisionHash || decisionHash(decided) !== stated) {
      fail('gate decision hash', target, 'its content does not hash to its recorded decision hash');
    } else if (!loggedDecisions.has(stated)) {
      fail('gate decision logged', target, 'no proven gate.decided audit entry carries its hash');
    } else if (!contents.texts.has(gateAttestationPath(record))) {
      fail('gate decision attested', target, `${gateAttestationPath(record)} is missing`);
    } else if (!policies.has(record.policySha256)) {
      fail('gate decision policy', target, `policy ${record.policySha256} is not in the archive`);
    } else {
      pass('gate decision', target);
    }
  }
  // 8. Signatures: what each covers hashes to what it says it signed, the log recorded it, and
  // the server attested it.
  const loggedSignatures = new Set(
    entries
      .map((item) => item?.entry as AuditEntry | undefined)
      .filter((e) => e?.action === 'signature.signed' || e?.action === 'signature.withdrawn')
      .map((e) => String(e?.details.signature)),
  );
  for (const signature of signatures) {
    const target = `signature ${signature.id} (${signature.role}, ${signature.signer?.username})`;
    if (signedContentHash(signature.content) !== signature.contentHash) {
      fail('signature content', target, 'what it covers does not hash to its content hash');
    } else if (!loggedSignatures.has(signature.id)) {
      fail('signature logged', target, 'no proven audit entry records it');
    } else if (!contents.texts.has(signatureAttestationPath(signature))) {
      fail('signature attested', target, `${signatureAttestationPath(signature)} is missing`);
    } else {
      pass('signature', target);
    }
  }

  for (const ref of policies.values()) {
    if (listed.get(ref.path)?.sha256 !== ref.sha256) {
      fail(
        'policy digest',
        ref.path,
        `the manifest lists it with a digest other than ${ref.sha256}`,
      );
    }
  }

  verdict.verified = checks.length > 0 && checks.every((c) => c.ok);
  return verdict;
}

function parseJson<T>(
  bytes: Uint8Array,
  path: string,
  fail: (check: string, target: string, detail: string) => void,
): T | undefined {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch (error) {
    fail('readable JSON', path, (error as Error).message);
    return undefined;
  }
}

function canonicalPayload(payload: Buffer): string | undefined {
  try {
    return canonicalJson(JSON.parse(payload.toString('utf8')));
  } catch {
    return undefined;
  }
}
