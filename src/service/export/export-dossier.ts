import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { Actor } from '../../core/actor.ts';
import { signatureStatus } from '../../core/approval/signature.ts';
import { signedContentHash, signedContentOf } from '../../core/approval/signed-content.ts';
import { canonicalJson } from '../../core/audit-log/canonical-json.ts';
import {
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  preAuthEncoding,
} from '../../core/dossier/dsse.ts';
import {
  ATTESTATION_DIR,
  type DossierManifest,
  evidencePath,
  gateAttestationPath,
  gateStatement,
  LOG_PROOF_PATH,
  type LogProofFile,
  MANIFEST_FORMAT,
  MANIFEST_PATH,
  type ManifestFile,
  type PolicyRef,
  policyPath,
  REPORT_PATH,
  releaseStatement,
  signatureAttestationPath,
  signatureStatement,
} from '../../core/dossier/manifest.ts';
import { DossierError } from '../../core/errors.ts';
import { exceptionState } from '../../core/exception/exception.ts';
import type { Release } from '../../core/release.ts';
import { inclusionProof, latestCheckpoint } from '../audit-log.ts';
import type { ServiceDeps } from '../deps.ts';
import { followRecordedSigningKey } from '../log-identity.ts';
import { getRelease } from '../release-queries.ts';
import { renderReport } from './report-html.ts';

export interface ExportedDossier {
  /** Suggested file name: `<tag>.dossier.zip`, made safe for filesystems. */
  fileName: string;
  manifestSha256: string;
  /** The zip archive, streamed: evidence bytes go from the blob store straight into it. */
  stream: Readable;
}

/**
 * Builds the release dossier. Recording the export in the audit log is what makes the archive
 * verifiable: the `release.exported` entry carries the manifest's SHA-256, and the checkpoint
 * signed right after it covers that entry.
 */
export async function exportDossier(
  deps: ServiceDeps,
  actor: Actor,
  idOrTag: string,
): Promise<ExportedDossier> {
  const release = await getRelease(deps, idOrTag);
  const evidence = await deps.store.listEvidence(release.id);
  const auditEntries = await deps.store.listAuditEntriesFor(`release:${release.id}`);
  const now = deps.clock.now().toISOString();

  const control = await readReleaseControl(deps, release);

  await followRecordedSigningKey(deps);
  const attestation = signStatement(deps, canonicalJson(releaseStatement(release, evidence)));
  const attestationPath = `${ATTESTATION_DIR}release.intoto.json`;
  const gateAttestations = control.gateDecisions.map((record) => ({
    path: gateAttestationPath(record),
    bytes: signStatement(deps, canonicalJson(gateStatement(release, record))),
  }));
  const signatureAttestations = control.signatures.map((signature) => ({
    path: signatureAttestationPath(signature),
    bytes: signStatement(deps, canonicalJson(signatureStatement(release, signature))),
  }));
  const policyFiles = control.policies.map(({ ref, text }) => ({
    path: ref.path,
    bytes: Buffer.from(text, 'utf8'),
  }));
  // The same bytes under the same name (attached as two kinds) are one file in the archive.
  const evidenceFiles = new Map(evidence.map((item) => [evidencePath(item), item]));
  const files: ManifestFile[] = [...evidenceFiles].map(([path, item]) => ({
    path,
    sha256: item.sha256,
    size: item.size,
  }));
  files.push(describe(attestationPath, attestation));
  for (const file of [...gateAttestations, ...signatureAttestations, ...policyFiles])
    files.push(describe(file.path, file.bytes));

  const manifest: DossierManifest = {
    format: MANIFEST_FORMAT,
    exportedAt: now,
    exportedBy: actor.id,
    log: { origin: deps.signer.origin },
    release,
    evidence: evidence.map((item) => ({ ...item, path: evidencePath(item) })),
    change: control.change,
    riskAssessment: control.riskHistory.at(-1) ?? null,
    riskHistory: control.riskHistory,
    policy: control.activePolicy,
    policies: control.policies.map(({ ref }) => ref),
    gateDecisions: control.gateDecisions,
    signatures: control.signatures,
    exceptions: control.exceptions,
    auditEntries,
    files,
  };
  const report = Buffer.from(renderReport(manifest));
  files.push(describe(REPORT_PATH, report));
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const manifestSha256 = createHash('sha256').update(manifestBytes).digest('hex');

  const exportEntry = await deps.store.transaction((tx) =>
    tx.appendAudit({
      time: now,
      actor: actor.id,
      action: 'release.exported',
      subject: `release:${release.id}`,
      details: { tag: release.tag, manifestSha256, files: files.length + 2 },
    }),
  );
  const checkpoint = await latestCheckpoint(deps);
  const proven = [...auditEntries, exportEntry];
  const logProof: LogProofFile = {
    checkpoint: {
      size: checkpoint.size,
      rootHash: Buffer.from(checkpoint.rootHash).toString('hex'),
      note: checkpoint.note,
    },
    entries: await Promise.all(
      proven.map(async (entry) => ({
        entry,
        inclusionProof: (await inclusionProof(deps, entry.seq, checkpoint.size)).proof,
      })),
    ),
  };

  const zip = new ZipFile();
  const mtime = new Date(now);
  zip.addBuffer(manifestBytes, MANIFEST_PATH, { mtime });
  zip.addBuffer(Buffer.from(`${JSON.stringify(logProof, null, 2)}\n`), LOG_PROOF_PATH, { mtime });
  zip.addBuffer(report, REPORT_PATH, { mtime });
  zip.addBuffer(attestation, attestationPath, { mtime });
  for (const file of [...gateAttestations, ...signatureAttestations, ...policyFiles]) {
    zip.addBuffer(file.bytes, file.path, { mtime });
  }
  for (const [path, item] of evidenceFiles) {
    zip.addReadStreamLazy(path, { mtime, size: item.size }, (callback) => {
      deps.blobs.open(item.sha256).then(
        (stream) =>
          stream
            ? callback(null, stream)
            : callback(
                new DossierError(
                  'BLOB_NOT_FOUND',
                  `evidence bytes ${item.sha256} are missing from the blob store`,
                ),
                undefined as never,
              ),
        (error: unknown) => callback(error, undefined as never),
      );
    });
  }
  zip.end();
  return {
    fileName: `${release.tag.replace(/[^A-Za-z0-9._@+-]/g, '_')}.dossier.zip`,
    manifestSha256,
    stream: zip.outputStream as Readable,
  };
}

/** The change, its risk, the gate decisions and the policies they were made under. */
async function readReleaseControl(deps: ServiceDeps, release: Release) {
  const [change, riskHistory, gateDecisions, activation, evidence, signatures, fulfilments] =
    await Promise.all([
      release.change ? deps.store.getChange(release.change) : undefined,
      release.change ? deps.store.listRiskRecords(release.change) : [],
      deps.store.listGateDecisions(release.id),
      deps.store.getActivationFor(release.service),
      deps.store.listEvidence(release.id),
      deps.store.listSignatures(release.id),
      deps.store.listConditionFulfilments(release.id),
    ]);
  const now = deps.clock.now();
  const state = {
    currentContentHash: activation
      ? signedContentHash(signedContentOf(release, evidence, activation.policySha256))
      : '',
    signatures,
    fulfilments,
    now,
  };
  const exceptions = (await deps.store.listExceptionsFor(release)).map((exception) => ({
    ...exception,
    state: exceptionState(exception, now),
  }));
  const wanted = new Set(gateDecisions.map((record) => record.policySha256));
  if (activation) wanted.add(activation.policySha256);
  const policies: Array<{ ref: PolicyRef; text: string }> = [];
  for (const sha256 of [...wanted].sort()) {
    const stored = await deps.store.getPolicyBySha256(sha256);
    if (!stored) continue;
    policies.push({
      ref: { version: stored.version, sha256, name: stored.name, path: policyPath(sha256) },
      text: stored.text,
    });
  }
  const activePolicy =
    policies.find(({ ref }) => ref.sha256 === activation?.policySha256)?.ref ?? null;
  return {
    change: change ?? null,
    riskHistory,
    gateDecisions,
    policies,
    activePolicy,
    signatures: signatures.map((signature) => {
      const { status, reason } = signatureStatus(signature, state);
      return { ...signature, status, statusReason: reason };
    }),
    exceptions,
  };
}

function signStatement(deps: Pick<ServiceDeps, 'signer'>, statement: string): Buffer {
  const payload = Buffer.from(statement, 'utf8');
  const { keyName, signature } = deps.signer.signBytes(
    preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload),
  );
  const envelope: DsseEnvelope = {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: keyName, sig: Buffer.from(signature).toString('base64') }],
  };
  return Buffer.from(`${JSON.stringify(envelope, null, 2)}\n`);
}

function describe(path: string, bytes: Uint8Array): ManifestFile {
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength };
}
