import type { EvidenceFormat } from '../format.ts';
import { isDsseEnvelope } from './detect.ts';
import { parseProvenance } from './parse-provenance.ts';

/**
 * DSSE envelopes carrying in-toto Statements (cosign attest, slsa-github-generator, witness
 * collections, SLSA VSAs), one per file or one per line (`.intoto.jsonl`).
 */
export const dsseEnvelopeFormat: EvidenceFormat = {
  id: 'dsse-envelope',
  kind: 'provenance',
  label: 'DSSE envelope (in-toto attestation)',
  detect: isDsseEnvelope,
  parse: (source, context) => parseProvenance(source, context, 'dsse-envelope'),
};
