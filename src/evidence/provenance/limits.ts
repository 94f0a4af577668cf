/**
 * Bounds for provenance files. Every list a summary can hold is capped, and each JSON document
 * (a whole file, or one line of a JSON Lines file) is parsed only below a size limit.
 */
export const PROVENANCE_LIMITS = {
  /** Largest single JSON document (a file, or one JSON Lines line) that is parsed. */
  maxDocumentBytes: 32 * 1024 * 1024,
  /** Statements summarized in full; later ones are counted, matched and left out. */
  maxStatements: 10_000,
  /** Subjects listed per statement. */
  maxSubjectsPerStatement: 1_000,
  /** Distinct `sha256:` digests listed at the top level. */
  maxDigests: 100_000,
  /** Digest algorithms kept per subject. */
  maxDigestAlgorithms: 8,
  /** Longest string kept in a summary (names, URIs, reasons), in characters. */
  maxStringLength: 4 * 1024,
  /**
   * Signatures checked per file. Checking costs up to tens of milliseconds (certificate chains,
   * log entries), so a file of many thousand bundles is bounded; the rest are reported unchecked.
   */
  maxSignatureChecks: 1_000,
  /** Signatures on one envelope, and log entries or timestamps in one bundle, that are accepted. */
  maxSignaturesPerEnvelope: 64,
  maxTimestampsPerBundle: 32,
  /** Warnings kept; the rest are counted in the last one. */
  maxWarnings: 200,
} as const;
