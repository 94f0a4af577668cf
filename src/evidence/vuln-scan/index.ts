import type { EvidenceFormat } from '../format.ts';
import { grypeJsonFormat } from './grype-json.ts';
import { npmAuditJsonFormat } from './npm-audit-json.ts';
import { osvScannerJsonFormat } from './osv-scanner-json.ts';
import { trivyJsonFormat } from './trivy-json.ts';

export const vulnScanFormats: readonly EvidenceFormat[] = [
  trivyJsonFormat,
  grypeJsonFormat,
  osvScannerJsonFormat,
  npmAuditJsonFormat,
];
