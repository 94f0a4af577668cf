import type { EvidenceFormat } from '../format.ts';
import { isCloudBuildSummary } from './detect.ts';
import { parseProvenance } from './parse-provenance.ts';

/** Google Cloud Build provenance as `gcloud artifacts docker images describe --show-provenance` prints it. */
export const gcbProvenanceFormat: EvidenceFormat = {
  id: 'gcb-provenance',
  kind: 'provenance',
  label: 'Google Cloud Build provenance summary',
  detect: isCloudBuildSummary,
  parse: (source, context) => parseProvenance(source, context, 'gcb-provenance'),
};
