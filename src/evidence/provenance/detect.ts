import {
  type HeadShape,
  headShape,
  looksLikeStatementPayload,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
} from './head-shape.ts';

/**
 * Content tests for the provenance formats, on the shape of the file's first JSON document.
 * They are mutually exclusive, so the order of formats in the registry does not matter among
 * them. Each never throws.
 */
function shapeOf(head: Uint8Array): HeadShape | undefined {
  try {
    return headShape(head);
  } catch {
    return undefined;
  }
}

const has = (shape: HeadShape, key: string) => shape.kinds.has(key) || shape.keys.includes(key);

export function isNpmAttestations(head: Uint8Array): boolean {
  const shape = shapeOf(head);
  if (!shape) return false;
  return (
    shape.kinds.get('attestations') === '[' && /"(?:bundle|predicateType)"\s*:/.test(shape.text)
  );
}

export function isCloudBuildSummary(head: Uint8Array): boolean {
  const shape = shapeOf(head);
  return shape?.kinds.get('provenance_summary') === '{';
}

export function isSigstoreBundle(head: Uint8Array): boolean {
  const shape = shapeOf(head);
  if (!shape || has(shape, 'attestations') || has(shape, 'provenance_summary')) return false;
  const mediaType = shape.strings.get('mediaType');
  if (mediaType !== undefined && SIGSTORE_BUNDLE_MEDIA_TYPE.test(mediaType)) return true;
  // A bundle whose media type is damaged is still recognizably a bundle (parse then says why).
  return shape.kinds.get('verificationMaterial') === '{';
}

export function isDsseEnvelope(head: Uint8Array): boolean {
  const shape = shapeOf(head);
  if (!shape || has(shape, 'verificationMaterial') || has(shape, 'mediaType')) return false;
  if (!has(shape, 'payload')) return false;
  const payloadType = shape.strings.get('payloadType');
  if (payloadType !== undefined) return /in-toto/i.test(payloadType);
  const payload = shape.strings.get('payload');
  return payload !== undefined && looksLikeStatementPayload(payload);
}

export function isInTotoStatement(head: Uint8Array): boolean {
  const shape = shapeOf(head);
  if (!shape) return false;
  const type = shape.strings.get('_type');
  if (type !== undefined) return /^https:\/\/in-toto\.io\/Statement\//.test(type);
  if (has(shape, 'predicateType') && shape.kinds.get('subject') === '[') return true;
  // A bare SLSA predicate (no Statement around it).
  if (shape.kinds.get('buildDefinition') === '{' && has(shape, 'runDetails')) return true;
  return (
    shape.kinds.get('builder') === '{' &&
    has(shape, 'buildType') &&
    (has(shape, 'invocation') || has(shape, 'materials'))
  );
}
