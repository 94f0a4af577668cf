import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../core/access/session.ts';
import type { Credentials } from '../service/tokens.ts';

/** What the request presents: `Authorization: Bearer …` and the web UI's session cookie. */
export function credentialsOf(request: FastifyRequest): Credentials {
  return { bearer: bearerToken(request), sessionCookie: sessionCookie(request) };
}

/** The session token the request was authenticated with, bearer first (as authentication reads). */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const { bearer, sessionCookie: cookie } = credentialsOf(request);
  return bearer ?? cookie;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=') || undefined;
  }
  return undefined;
}

/**
 * The session cookie: HttpOnly (page scripts never see it), SameSite=Strict (no other site's page
 * can make the browser send it, which is what stops cross-site request forgery here), and Secure
 * when the request came over https, directly or through a TLS-terminating proxy. Trusting
 * X-Forwarded-Proto only ever adds Secure, which cannot weaken the cookie.
 */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  value: string,
  maxAgeSeconds: number,
): void {
  const attributes = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ];
  if (isHttps(request)) attributes.push('Secure');
  reply.header('set-cookie', attributes.join('; '));
}

function isHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return request.protocol === 'https' || first === 'https';
}
