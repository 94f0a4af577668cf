import { z } from 'zod';
import type { SignedCheckpoint } from '../../core/audit-log/checkpoint.ts';
import {
  AuditEntryPageJson,
  CheckpointJson,
  CheckpointListJson,
  ConsistencyProofJson,
  InclusionProofJson,
  LeafTextPageJson,
  LogKeysJson,
  ProblemJson,
  RotatedKeyJson,
} from '../../core/wire-schemas.ts';
import { defineRoute } from '../route.ts';

const problems = {
  400: { description: 'malformed query', json: ProblemJson },
  401: { description: 'missing or unknown API token', json: ProblemJson },
};
const count = () => z.coerce.number().int();

export function presentCheckpoint(checkpoint: SignedCheckpoint) {
  return {
    size: checkpoint.size,
    rootHash: Buffer.from(checkpoint.rootHash).toString('hex'),
    time: checkpoint.time,
    keyName: checkpoint.keyName,
    note: checkpoint.note,
  };
}

export const logRoutes = [
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/log/checkpoint',
      operationId: 'getLatestCheckpoint',
      summary: 'The latest signed checkpoint of the audit log (signed now if the log has grown)',
      tag: 'log',
      auth: true,
      responses: { 200: { description: 'the checkpoint', json: CheckpointJson }, ...problems },
    },
    async handle({ services }) {
      return presentCheckpoint(await services.log.checkpoint());
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/log/checkpoints',
      operationId: 'listCheckpoints',
      summary: 'Every published checkpoint, in increasing tree size',
      tag: 'log',
      auth: true,
      query: z.object({
        from: count().min(0).default(0),
        limit: count().min(1).max(10_000).default(1000),
      }),
      responses: { 200: { description: 'checkpoints', json: CheckpointListJson }, ...problems },
    },
    async handle({ query, services }) {
      return {
        items: (await services.log.checkpoints(query.from, query.limit)).map(presentCheckpoint),
      };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/log/keys',
      operationId: 'getLogKeys',
      summary: "The log's origin and every public key that has signed its checkpoints",
      tag: 'log',
      auth: true,
      responses: { 200: { description: 'verifier keys', json: LogKeysJson }, ...problems },
    },
    async handle({ services }) {
      return services.log.keys();
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/log/keys/rotate',
      operationId: 'rotateLogKey',
      summary: 'Sign checkpoints with a new key from now on (admin); old keys stay published',
      tag: 'log',
      auth: true,
      responses: {
        200: { description: 'the previous and the new active key', json: RotatedKeyJson },
        401: { description: 'missing or unknown API token', json: ProblemJson },
        403: { description: 'not an admin', json: ProblemJson },
      },
    },
    async handle({ actor, services }) {
      return services.log.rotateKey(actor);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/log/entries',
      operationId: 'listLogEntries',
      summary: 'Audit log entries in sequence order',
      tag: 'log',
      auth: true,
      query: z.object({
        from: count().min(0).default(0),
        limit: count().min(1).max(10_000).default(1000),
      }),
      responses: { 200: { description: 'entries', json: AuditEntryPageJson }, ...problems },
    },
    async handle({ query, services }) {
      return { items: await services.log.entries(query.from, query.limit) };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/log/leaves',
      operationId: 'listLogLeaves',
      summary:
        'Audit log entries as their canonical leaf texts (exactly what each leaf hash covers)',
      tag: 'log',
      auth: true,
      query: z.object({
        from: count().min(0).default(0),
        limit: count().min(1).max(10_000).default(1000),
      }),
      responses: {
        200: { description: 'leaf texts in sequence order', json: LeafTextPageJson },
        ...problems,
      },
    },
    async handle({ query, services }) {
      return { items: await services.log.leaves(query.from, query.limit) };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/log/proof/inclusion',
      operationId: 'getInclusionProof',
      summary: 'RFC 9162 inclusion proof of entry `seq` in the tree of size `size`',
      tag: 'log',
      auth: true,
      query: z.object({ seq: count(), size: count() }),
      responses: { 200: { description: 'the proof', json: InclusionProofJson }, ...problems },
    },
    async handle({ query, services }) {
      return services.log.inclusionProof(query.seq, query.size);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/log/proof/consistency',
      operationId: 'getConsistencyProof',
      summary: 'RFC 9162 consistency proof between tree sizes `from` and `to`',
      tag: 'log',
      auth: true,
      query: z.object({ from: count(), to: count() }),
      responses: { 200: { description: 'the proof', json: ConsistencyProofJson }, ...problems },
    },
    async handle({ query, services }) {
      return services.log.consistencyProof(query.from, query.to);
    },
  }),
];
