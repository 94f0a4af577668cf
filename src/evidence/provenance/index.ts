import type { EvidenceFormat } from '../format.ts';
import { dsseEnvelopeFormat } from './dsse-envelope-format.ts';
import { gcbProvenanceFormat } from './gcb-provenance-format.ts';
import { inTotoStatementFormat } from './in-toto-statement-format.ts';
import { npmAttestationsFormat } from './npm-attestations-format.ts';
import { sigstoreBundleFormat } from './sigstore-bundle-format.ts';

/** Provenance formats; their detectors exclude one another, so their order is free. */
export const provenanceFormats: readonly EvidenceFormat[] = [
  npmAttestationsFormat,
  gcbProvenanceFormat,
  sigstoreBundleFormat,
  dsseEnvelopeFormat,
  inTotoStatementFormat,
];

export type { ProvenanceSummary, StatementSummary } from './summary.ts';
