import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * GitHub's `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the raw body under the webhook
 * secret. Compared in constant time, so the answer's timing says nothing about how much of a
 * forged signature was right. CDEvents deliveries use the same scheme (docs/integrations.md).
 */
export function isValidHmacSha256(
  secret: string,
  body: Uint8Array,
  header: string | undefined,
): boolean {
  if (header === undefined) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected);
}

/** `sha256=<hex>` for a body: what a sender puts in the signature header. */
export function hmacSha256Header(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * GitLab's `X-Gitlab-Token` carries the secret token itself. Both sides are hashed first so the
 * constant-time comparison works on equal lengths and leaks not even the token's length.
 */
export function isSameToken(secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const digest = (value: string) =>
    createHmac('sha256', 'dossier-token-compare').update(value).digest();
  return timingSafeEqual(digest(header), digest(secret));
}
