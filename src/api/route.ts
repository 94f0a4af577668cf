import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../core/actor.ts';
import { invalidInput, toInputIssues } from '../service/input-issues.ts';
import type { Services } from '../service/services.ts';

export interface ResponseSpec {
  description: string;
  json?: z.ZodType;
  /** The body is raw bytes (evidence downloads). */
  binary?: boolean;
}

/**
 * One API route: what the OpenAPI document says about it and what the server runs are the same
 * object, so the document cannot drift from the code.
 */
export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI path template: `/v1/releases/{idOrTag}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Whether the route requires a bearer token (all /v1 routes do). */
  auth: boolean;
  params?: P;
  query?: Q;
  body?: { json: z.ZodType } | { binary: true; description: string };
  responses: Record<number, ResponseSpec>;
}

export interface RouteContext<P, Q> {
  request: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  /** Set on authenticated routes. */
  actor: Actor;
  services: Services;
}

export interface Route<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  spec: RouteSpec<P, Q>;
  handle(context: RouteContext<z.output<P>, z.output<Q>>): Promise<unknown>;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType>(route: Route<P, Q>): Route {
  return route as unknown as Route;
}

export function parseOrThrow<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  what: string,
): z.output<T> {
  if (!schema) return value as z.output<T>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(what, toInputIssues(parsed.error));
  return parsed.data;
}

/** `/v1/releases/{idOrTag}` → `/v1/releases/:idOrTag` for Fastify's router. */
export function toFastifyPath(path: string): string {
  return path.replaceAll(/\{(\w+)\}/g, ':$1');
}
