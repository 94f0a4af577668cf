export const MIN_WEBHOOK_SECRET_LENGTH = 16;
export const MAX_WEBHOOK_SECRET_LENGTH = 1024;

/**
 * A webhook secret must be hard to guess (anyone who knows it can forge deliveries) and fit in
 * the sender's settings form. Spaces are allowed (GitHub's own example has them); control
 * characters are not, since they cannot be typed into GitHub or GitLab.
 */
export function webhookSecretProblem(secret: string): string | undefined {
  if (secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    return `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters long`;
  }
  if (secret.length > MAX_WEBHOOK_SECRET_LENGTH) {
    return `must be at most ${MAX_WEBHOOK_SECRET_LENGTH} characters long`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(secret)) return 'must not contain control characters';
  if (secret.trim() !== secret) return 'must not start or end with spaces';
  return undefined;
}
