import { z } from 'zod';
import type { Route } from './route.ts';

const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * Builds the OpenAPI 3.1 document from the same route table the server runs. Named wire schemas
 * (`.meta({ id })`) become components and are referenced, everything else is inlined.
 */
export function buildOpenApiDocument(routes: readonly Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of routes) {
    const parameters = [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')];
    const operation: Record<string, unknown> = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.auth ? {} : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      responses: Object.fromEntries(
        Object.entries(spec.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.json
              ? {
                  content: {
                    [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: {
                      schema: schemaOf(response.json, 'output'),
                    },
                  },
                }
              : response.binary
                ? {
                    content: {
                      'application/octet-stream': {
                        schema: { type: 'string', contentMediaType: 'application/octet-stream' },
                      },
                    },
                  }
                : {}),
          },
        ]),
      ),
    };
    if (spec.body) {
      operation.requestBody =
        'json' in spec.body
          ? {
              required: true,
              content: { 'application/json': { schema: schemaOf(spec.body.json, 'input') } },
            }
          : {
              required: true,
              description: spec.body.description,
              content: {
                '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
              },
            };
    }
    paths[spec.path] ??= {};
    (paths[spec.path] as Record<string, unknown>)[spec.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dossier API',
      version,
      description:
        'Release compliance engine. Errors are RFC 9457 problem details carrying a Dossier error code (see docs/errors.md).',
    },
    components: {
      schemas: components(),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'a Dossier API token (dsr_…), a session token from POST /v1/sessions (dss_…), or a CI OIDC ID token (JWT) from a trusted issuer',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'dossier_session',
          description: 'the web UI session, set by POST /v1/sessions',
        },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const id = z.globalRegistry.get(schema)?.id;
  if (id && io === 'output') return { $ref: `${COMPONENT_PREFIX}${id}` };
  return stripDialect(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));
}

function components(): Record<string, unknown> {
  const all = z.toJSONSchema(z.globalRegistry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
  }) as { schemas: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(all.schemas).map(([id, schema]) => [id, stripDialect(schema)]),
  );
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { description?: string }>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function stripDialect(schema: unknown): unknown {
  if (schema && typeof schema === 'object' && '$schema' in schema) {
    const { $schema: _dialect, ...rest } = schema as Record<string, unknown>;
    return rest;
  }
  return schema;
}
