import type { EvidenceSummary } from '../format.ts';
import type { Container, StatementRecord } from './documents.ts';
import { cut, cutOrNull } from './json-value.ts';
import { PROVENANCE_LIMITS } from './limits.ts';
import type { SignatureResult } from './signature-result.ts';
import type { SignedContent } from './sigstore-bundle.ts';
import type { SubjectSummary } from './statement.ts';

/** One statement as the summary lists it. */
export interface StatementSummary {
  line: number;
  container: Container;
  mediaType: string | null;
  content: SignedContent;
  statementType: string | null;
  predicateType: string | null;
  subjects: SubjectSummary[];
  subjectCount: number;
  subjectsOmitted: number;
  builderId: string | null;
  buildType: string | null;
  sourceRepo: string | null;
  sourceRef: string | null;
  sourceCommit: string | null;
  signature: SignatureResult;
}

/**
 * The provenance summary. Policies test the top-level figures:
 * `evidence.provenance.verified`, `evidence.provenance.matchesArtifacts.unmatched.size() == 0`,
 * `'https://slsa.dev/provenance/v1' in evidence.provenance.predicateTypes`.
 */
export interface ProvenanceSummary extends EvidenceSummary {
  /** True only when there is at least one statement and every signature verified. */
  verified: boolean;
  signatures: { verified: number; unverified: number; invalid: number };
  statementCount: number;
  statementsOmitted: number;
  statements: StatementSummary[];
  /** Every subject's sha256 digest, as `sha256:<hex>`, once each. */
  subjects: string[];
  subjectsOmitted: number;
  /** The release's artifact digests that some subject names, and those none does. */
  matchesArtifacts: { matched: string[]; unmatched: string[]; matchedByVerified: string[] };
  predicateTypes: string[];
  builderIds: string[];
  warnings: string[];
}

const MAX_DISTINCT_NAMES = 1_000;

/** Collects statements as the file is read, bounded, and builds the summary at the end. */
export class ProvenanceSummaryBuilder {
  private readonly statements: StatementSummary[] = [];
  private statementCount = 0;
  private readonly digests = new Set<string>();
  private digestsOmitted = 0;
  private readonly counts = { verified: 0, unverified: 0, invalid: 0 };
  private readonly predicateTypes = new Set<string>();
  private readonly builderIds = new Set<string>();
  private readonly warnings: string[] = [];
  private warningsOmitted = 0;
  /** Release artifact digest (as given) → its lower-case hex, for those that are sha256. */
  private readonly artifacts: Map<string, string | undefined>;
  private readonly matched = new Set<string>();
  private readonly matchedByVerified = new Set<string>();

  constructor(artifacts: readonly string[]) {
    this.artifacts = new Map();
    for (const artifact of artifacts) {
      const match = /^sha256:([0-9a-fA-F]{64})$/.exec(artifact);
      this.artifacts.set(artifact, match?.[1]?.toLowerCase());
      if (!match)
        this.warn(
          `release artifact digest ${JSON.stringify(cut(artifact, 200))} is not sha256:<hex>; it cannot match a subject`,
        );
    }
  }

  warn(text: string): void {
    if (this.warnings.length < PROVENANCE_LIMITS.maxWarnings) this.warnings.push(cut(text));
    else this.warningsOmitted++;
  }

  add(record: StatementRecord): void {
    this.statementCount++;
    this.counts[record.signature.status]++;
    for (const warning of record.warnings) this.warn(warning);
    const hexes = new Set(record.sha256);
    for (const hex of hexes) {
      const digest = `sha256:${hex}`;
      if (this.digests.has(digest)) continue;
      if (this.digests.size < PROVENANCE_LIMITS.maxDigests) this.digests.add(digest);
      else this.digestsOmitted++;
    }
    for (const [artifact, hex] of this.artifacts) {
      if (hex === undefined || !hexes.has(hex)) continue;
      this.matched.add(artifact);
      if (record.signature.status === 'verified') this.matchedByVerified.add(artifact);
    }
    if (record.predicateType && this.predicateTypes.size < MAX_DISTINCT_NAMES) {
      this.predicateTypes.add(cut(record.predicateType));
    }
    if (record.builderId && this.builderIds.size < MAX_DISTINCT_NAMES)
      this.builderIds.add(cut(record.builderId));
    if (this.statements.length >= PROVENANCE_LIMITS.maxStatements) return;
    this.statements.push({
      line: record.line,
      container: record.container,
      mediaType: record.mediaType,
      content: record.content,
      statementType: cutOrNull(record.statementType ?? undefined),
      predicateType: cutOrNull(record.predicateType ?? undefined),
      subjects: record.subjects,
      subjectCount: record.subjectCount,
      subjectsOmitted: record.subjectCount - record.subjects.length,
      builderId: cutOrNull(record.builderId ?? undefined),
      buildType: cutOrNull(record.buildType ?? undefined),
      sourceRepo: cutOrNull(record.sourceRepo ?? undefined),
      sourceRef: cutOrNull(record.sourceRef ?? undefined),
      sourceCommit: cutOrNull(record.sourceCommit ?? undefined),
      signature: record.signature,
    });
  }

  build(): ProvenanceSummary {
    const statementsOmitted = this.statementCount - this.statements.length;
    if (statementsOmitted > 0) {
      this.warn(
        `${this.statementCount} statements; the first ${this.statements.length} are listed`,
      );
    }
    if (this.digestsOmitted > 0) {
      this.warn(
        `${this.digests.size + this.digestsOmitted} distinct subject digests; the first ${this.digests.size} are listed`,
      );
    }
    const warnings = [...this.warnings];
    if (this.warningsOmitted > 0)
      warnings.push(`${this.warningsOmitted} more warnings were left out`);
    const artifacts = [...this.artifacts.keys()];
    return {
      verified: this.statementCount > 0 && this.counts.verified === this.statementCount,
      signatures: { ...this.counts },
      statementCount: this.statementCount,
      statementsOmitted,
      statements: this.statements,
      subjects: [...this.digests],
      subjectsOmitted: this.digestsOmitted,
      matchesArtifacts: {
        matched: artifacts.filter((artifact) => this.matched.has(artifact)),
        unmatched: artifacts.filter((artifact) => !this.matched.has(artifact)),
        matchedByVerified: artifacts.filter((artifact) => this.matchedByVerified.has(artifact)),
      },
      predicateTypes: [...this.predicateTypes],
      builderIds: [...this.builderIds],
      warnings,
    };
  }
}
