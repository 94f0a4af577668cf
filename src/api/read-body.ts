import type { FastifyRequest } from 'fastify';
import { DossierError } from '../core/errors.ts';

/** Reads a raw request body up to `limit` bytes; past it the request is refused unread. */
export async function readBody(
  request: FastifyRequest,
  limit: number,
  what: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new DossierError('EVIDENCE_TOO_LARGE', `${what} is at most ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A text body (a policy document): UTF-8, refused when it is not. */
export async function readTextBody(
  request: FastifyRequest,
  limit: number,
  what: string,
): Promise<string> {
  const bytes = await readBody(request, limit, what);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DossierError('INVALID_INPUT', `${what} is not UTF-8 text`);
  }
}
