import type { EvidenceFormat } from '../format.ts';
import { isInTotoStatement } from './detect.ts';
import { parseProvenance } from './parse-provenance.ts';

/** Unsigned in-toto Statements v0.1/v1 (SLSA provenance and others), and bare SLSA predicates. */
export const inTotoStatementFormat: EvidenceFormat = {
  id: 'in-toto-statement',
  kind: 'provenance',
  label: 'in-toto Statement / SLSA provenance (unsigned)',
  detect: isInTotoStatement,
  parse: (source, context) => parseProvenance(source, context, 'in-toto-statement'),
};
