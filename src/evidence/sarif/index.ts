import type { EvidenceFormat } from '../format.ts';
import { sarifJsonFormat } from './sarif-json.ts';

export const sarifFormats: readonly EvidenceFormat[] = [sarifJsonFormat];
