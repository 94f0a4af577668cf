import type { EvidenceFormat } from '../format.ts';
import { cloverXmlFormat } from './clover-xml.ts';
import { coberturaXmlFormat } from './cobertura-xml.ts';
import { istanbulFinalJsonFormat } from './istanbul-final-json.ts';
import { istanbulSummaryJsonFormat } from './istanbul-summary-json.ts';
import { jacocoXmlFormat } from './jacoco-xml.ts';
import { lcovFormat } from './lcov.ts';

/** Coverage report formats. Their detectors are mutually exclusive, so order is free. */
export const coverageFormats: readonly EvidenceFormat[] = [
  lcovFormat,
  coberturaXmlFormat,
  jacocoXmlFormat,
  cloverXmlFormat,
  istanbulSummaryJsonFormat,
  istanbulFinalJsonFormat,
];
