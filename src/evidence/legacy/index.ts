import type { EvidenceFormat } from '../format.ts';
import { legacyReleaseBundle } from './legacy-release-bundle.ts';

export const legacyFormats: readonly EvidenceFormat[] = [legacyReleaseBundle];
