import type { EvidenceFormat } from '../format.ts';
import { junitXml } from './junit-xml.ts';

export const junitFormats: readonly EvidenceFormat[] = [junitXml];
