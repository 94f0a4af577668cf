import type { EvidenceFormat } from '../format.ts';
import { isNpmAttestations } from './detect.ts';
import { parseProvenance } from './parse-provenance.ts';

/** The npm registry's attestations response: `{ attestations: [{ predicateType, bundle }] }`. */
export const npmAttestationsFormat: EvidenceFormat = {
  id: 'npm-attestations',
  kind: 'provenance',
  label: 'npm registry attestations',
  detect: isNpmAttestations,
  parse: (source, context) => parseProvenance(source, context, 'npm-attestations'),
};
