import type { EvidenceKind } from '../core/evidence-record.ts';
import { coverageFormats } from './coverage/index.ts';
import type { EvidenceFormat } from './format.ts';
import { junitFormats } from './junit/index.ts';
import { legacyFormats } from './legacy/index.ts';
import { provenanceFormats } from './provenance/index.ts';
import { sarifFormats } from './sarif/index.ts';
import { sbomFormats } from './sbom/index.ts';
import { vexFormats } from './vex/index.ts';
import { vulnScanFormats } from './vuln-scan/index.ts';

/**
 * The one list of evidence formats Dossier understands. Order matters only among formats that
 * could claim the same bytes: the more specific format comes first.
 */
export const EVIDENCE_FORMATS: readonly EvidenceFormat[] = [
  ...junitFormats,
  ...coverageFormats,
  ...provenanceFormats,
  ...sarifFormats,
  ...vulnScanFormats,
  // A CycloneDX VEX is also a CycloneDX BOM: VEX claims BOMs whose vulnerabilities carry an
  // analysis, so it must be asked before the SBOM formats.
  ...vexFormats,
  ...sbomFormats,
  ...legacyFormats,
];

export function formatsForKind(kind: EvidenceKind): EvidenceFormat[] {
  return EVIDENCE_FORMATS.filter((format) => format.kind === kind);
}

/** The first format that recognizes the bytes, among those of `kind` (or all, for `auto`). */
export function detectFormat(head: Uint8Array, kind?: EvidenceKind): EvidenceFormat | undefined {
  const candidates = kind ? formatsForKind(kind) : EVIDENCE_FORMATS;
  return candidates.find((format) => {
    try {
      return format.detect(head);
    } catch {
      return false;
    }
  });
}

/** For messages: what a kind's files may be, e.g. "JUnit XML". */
export function describeFormats(formats: readonly EvidenceFormat[]): string {
  return formats.map((format) => format.label).join(', ');
}
