import type { EvidenceKind } from '../core/evidence-record.ts';

/**
 * Trust material an admin configures for signature checks. Parsers receive it as data; they
 * never read files or the network.
 */
export interface TrustMaterial {
  /** Public keys (PEM, SPKI) that may sign DSSE envelopes, by key id. */
  dsseKeys: ReadonlyArray<{ keyId: string; pem: string }>;
  /** Sigstore trusted root (JSON text of a TrustedRoot), for offline bundle verification. */
  sigstoreTrustedRoot?: string | undefined;
}

export interface ParseContext {
  trust: TrustMaterial;
  /** The release's artifact digests (`sha256:<hex>`), so provenance can say what it covers. */
  artifacts: readonly string[];
  /** When the parse runs, for signature validity checks; parsers never read the clock. */
  now: Date;
}

/** A normalized summary: JSON-safe data a policy can test and a person can read. */
export type EvidenceSummary = Record<string, unknown> & {
  /** Where the file contradicts itself or bends its format, in plain words. */
  warnings?: string[];
};

/**
 * One evidence file format. Every format declares its own answers; shared code never switches
 * on a format or a kind (STYLE.md §10).
 */
export interface EvidenceFormat {
  /** Stable id recorded on the evidence: `junit-xml`, `cobertura-xml`, `cyclonedx-json`, … */
  id: string;
  kind: EvidenceKind;
  /** For people: `JUnit XML`. */
  label: string;
  /**
   * Looks at the first bytes of a file (up to 64 KiB, possibly cut mid-token) and says whether
   * it is this format. Must be cheap and must not throw.
   */
  detect(head: Uint8Array): boolean;
  /**
   * Reads the whole file as a stream into a summary. Corrupt or hostile input throws a
   * DossierError with code EVIDENCE_MALFORMED that names the problem and where it is.
   */
  parse(source: AsyncIterable<Uint8Array>, context: ParseContext): Promise<EvidenceSummary>;
}

/** How much of a file detection looks at. */
export const DETECT_HEAD_BYTES = 64 * 1024;
