import type { EvidenceFormat } from '../format.ts';
import { cycloneDxVexJsonFormat } from './cyclonedx-vex-json.ts';
import { cycloneDxVexXmlFormat } from './cyclonedx-vex-xml.ts';
import { openVexJsonFormat } from './openvex-json.ts';

/**
 * The CycloneDX VEX formats claim CycloneDX BOMs whose head shows a vulnerability with an
 * analysis; the registry must list these before the CycloneDX SBOM formats.
 */
export const vexFormats: readonly EvidenceFormat[] = [
  openVexJsonFormat,
  cycloneDxVexJsonFormat,
  cycloneDxVexXmlFormat,
];
