import type { EvidenceFormat } from '../format.ts';
import { isSigstoreBundle } from './detect.ts';
import { parseProvenance } from './parse-provenance.ts';

/** Sigstore bundles v0.1–v0.3 (DSSE or message signature), one per file or one per line. */
export const sigstoreBundleFormat: EvidenceFormat = {
  id: 'sigstore-bundle',
  kind: 'provenance',
  label: 'Sigstore bundle (v0.1–v0.3)',
  detect: isSigstoreBundle,
  parse: (source, context) => parseProvenance(source, context, 'sigstore-bundle'),
};
