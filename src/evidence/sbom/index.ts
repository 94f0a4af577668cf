import type { EvidenceFormat } from '../format.ts';
import { cyclonedxJson } from './cyclonedx-json.ts';
import { cyclonedxXml } from './cyclonedx-xml.ts';
import { spdxJson } from './spdx-json.ts';
import { spdxTagValue } from './spdx-tag-value.ts';
import { spdx3JsonLd } from './spdx3-jsonld.ts';

/**
 * The SBOM formats. None of them claims another's bytes (each looks for its own top-level
 * marker), so their order here does not matter; a CycloneDX VEX document is left to the vex
 * kind's detector, which the registry tries before these.
 */
export const sbomFormats: readonly EvidenceFormat[] = [
  cyclonedxJson,
  cyclonedxXml,
  spdxJson,
  spdxTagValue,
  spdx3JsonLd,
];
