/**
 * A hashing thread for log verification (see replay-log-leaves.ts): hashes each batch it is
 * sent and answers with the batch's Merkle frontier.
 */
import { parentPort } from 'node:worker_threads';
import { hashLeafBatch } from '../core/audit-log/leaf-batch.ts';

export interface HashRequest {
  id: number;
  count: number;
  data: Uint8Array;
  marks: number[];
}

parentPort?.on('message', (request: HashRequest) => {
  const result = hashLeafBatch({ count: request.count, data: request.data }, request.marks);
  parentPort?.postMessage({ id: request.id, result });
});
