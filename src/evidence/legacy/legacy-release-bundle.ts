import { z } from 'zod';
import { DossierError } from '../../core/errors.ts';
import type { EvidenceFormat, EvidenceSummary } from '../format.ts';

/** Legacy records are small JSON documents; anything larger is not one. */
const MAX_BYTES = 16 * 1024 * 1024;

const Approval = z
  .object({
    role: z.string().optional(),
    approver: z.string().optional(),
    name: z.string().optional(),
    by: z.string().optional(),
    approved_at: z.string().optional(),
    at: z.string().optional(),
    meaning: z.string().optional(),
    comment: z.string().optional(),
  })
  .passthrough();

const Deployment = z
  .object({
    environment: z.string().optional(),
    env: z.string().optional(),
    deployed_at: z.string().optional(),
    at: z.string().optional(),
    status: z.string().optional(),
  })
  .passthrough();

const Tests = z
  .object({
    total: z.number().int().nonnegative().optional(),
    passed: z.number().int().nonnegative().optional(),
    failed: z.number().int().nonnegative().optional(),
    skipped: z.number().int().nonnegative().optional(),
  })
  .passthrough();

/**
 * A release evidence bundle from before Dossier: the record teams kept by hand or by script
 * (release_id, product, version, git_sha, build_id, artifact_hash, tests, approvals, deployment).
 * Its facts are kept as they were written and marked imported: Dossier saw none of them happen.
 */
export const LegacyBundle = z
  .object({
    release_id: z.union([z.string().min(1), z.number()]),
    product: z.string().min(1),
    version: z.union([z.string().min(1), z.number()]),
    git_sha: z.string().regex(/^[0-9a-fA-F]{7,64}$/, 'must be a git commit SHA (hex)'),
    build_id: z.union([z.string(), z.number()]).optional(),
    artifact_hash: z.string().optional(),
    tests: z.union([Tests, z.array(Tests)]).optional(),
    approvals: z.array(Approval).optional(),
    deployment: z.union([Deployment, z.array(Deployment)]).optional(),
  })
  .passthrough();
export type LegacyBundle = z.infer<typeof LegacyBundle>;

export const legacyReleaseBundle: EvidenceFormat = {
  id: 'legacy-release-bundle',
  kind: 'legacy-record',
  label: 'legacy release evidence bundle (JSON)',
  detect(head) {
    const text = Buffer.from(head.subarray(0, 4096)).toString('utf8');
    return /^\s*\{/.test(text) && /"release_id"\s*:/.test(text) && /"git_sha"\s*:/.test(text);
  },
  async parse(source) {
    return summarizeLegacyBundle(parseLegacyBundle(await readAll(source)));
  },
};

export function parseLegacyBundle(bytes: Uint8Array): LegacyBundle {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new DossierError(
      'EVIDENCE_MALFORMED',
      `legacy release bundle: not JSON: ${(error as Error).message}`,
    );
  }
  const parsed = LegacyBundle.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(document)',
      message: issue.message,
    }));
    throw new DossierError(
      'EVIDENCE_MALFORMED',
      `legacy release bundle: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      { issues },
    );
  }
  return parsed.data;
}

function summarizeLegacyBundle(bundle: LegacyBundle): EvidenceSummary {
  const tests = Array.isArray(bundle.tests) ? bundle.tests : bundle.tests ? [bundle.tests] : [];
  const sum = (key: 'total' | 'passed' | 'failed' | 'skipped') =>
    tests.some((t) => t[key] !== undefined)
      ? tests.reduce((total, t) => total + (t[key] ?? 0), 0)
      : null;
  const deployments = Array.isArray(bundle.deployment)
    ? bundle.deployment
    : bundle.deployment
      ? [bundle.deployment]
      : [];
  return {
    imported: true,
    verified: false,
    legacyReleaseId: String(bundle.release_id),
    product: bundle.product,
    version: String(bundle.version),
    gitSha: bundle.git_sha.toLowerCase(),
    buildId: bundle.build_id === undefined ? null : String(bundle.build_id),
    artifactHash: bundle.artifact_hash ?? null,
    tests: {
      total: sum('total'),
      passed: sum('passed'),
      failed: sum('failed'),
      skipped: sum('skipped'),
    },
    approvals: (bundle.approvals ?? []).slice(0, 1000).map((a) => ({
      role: a.role ?? null,
      approver: a.approver ?? a.name ?? a.by ?? null,
      at: a.approved_at ?? a.at ?? null,
      meaning: a.meaning ?? a.comment ?? null,
    })),
    deployments: deployments.slice(0, 1000).map((d) => ({
      environment: d.environment ?? d.env ?? null,
      at: d.deployed_at ?? d.at ?? null,
      status: d.status ?? null,
    })),
    warnings: [
      'imported from a legacy record: Dossier did not observe these tests, approvals or deployments, and no signature binds them',
    ],
  };
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > MAX_BYTES)
      throw new DossierError(
        'EVIDENCE_MALFORMED',
        `legacy release bundle: larger than ${MAX_BYTES} bytes`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
