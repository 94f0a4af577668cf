import type { AuditEntry } from '../core/audit-log/audit-entry.ts';
import type { SignedCheckpoint } from '../core/audit-log/checkpoint.ts';
import type { VerifierKey } from '../core/audit-log/signed-note.ts';
import {
  checkCheckpoint,
  checkConsistency,
  type LogProblem,
  LogReplay,
} from '../core/audit-log/verify-log.ts';
import { DossierError } from '../core/errors.ts';
import type { CheckpointJson } from '../core/wire-schemas.ts';
import { replayLogLeaves } from '../service/replay-log-leaves.ts';
import type { DossierClient } from './client.ts';

const PAGE = 10_000;

export interface LogVerification {
  entries: number;
  checkpoints: number;
  latest: CheckpointJson;
  problems: LogProblem[];
}

/**
 * `dossier log verify`: every published checkpoint is signed by a pinned key and consistent
 * with the next; every entry's leaf hash, recomputed from its content, rebuilds a tree whose
 * root at each checkpoint's size is the root that checkpoint signed.
 */
export async function verifyLog(
  client: DossierClient,
  keys: VerifierKey[],
  origin: string,
): Promise<LogVerification> {
  const latest = await client.logCheckpoint();
  const checkpoints: CheckpointJson[] = [];
  for (let from = 0; ; ) {
    const page = await client.logCheckpoints(from, PAGE);
    checkpoints.push(...page);
    if (page.length < PAGE) break;
    from = (page.at(-1)?.size ?? from) + 1;
  }
  const signed = checkpoints.map(toSigned);
  const problems: LogProblem[] = signed.flatMap((checkpoint) =>
    checkCheckpoint(checkpoint, keys, origin),
  );
  for (let i = 1; i < signed.length; i++) {
    const earlier = signed[i - 1] as SignedCheckpoint;
    const later = signed[i] as SignedCheckpoint;
    if (earlier.size === 0) continue;
    try {
      const proof = await client.logConsistency(earlier.size, later.size);
      problems.push(...checkConsistency(earlier, later, proof.proof));
    } catch (error) {
      // A log that lost entries cannot prove a checkpoint beyond its end: a finding, not a crash.
      if (!(error instanceof DossierError)) throw error;
      problems.push({
        where: `checkpoints ${earlier.size} → ${later.size}`,
        problem: `no consistency proof: ${error.message}`,
      });
    }
  }
  // Fast path over packed canonical leaf texts; only if a root does not match, replay the
  // structured entries to name the entry that breaks it.
  const fast = new LogReplay(signed);
  await replayLogLeaves((from, to) => client.logLeafBatch(from, to), fast, latest.size);
  if (fast.finish().length === 0) {
    return { entries: fast.size, checkpoints: signed.length, latest, problems };
  }
  const replay = new LogReplay(signed);
  try {
    for (let from = 0; from < latest.size; from += PAGE) {
      const entries = await client.logEntries(from, Math.min(PAGE, latest.size - from));
      if (entries.length === 0) break;
      for (const entry of entries) replay.add(entry as AuditEntry);
    }
  } catch (error) {
    // Entries too damaged to read one by one: the fast path's findings name the range.
    problems.push(...fast.problems, {
      where: `entry ${replay.size} or after`,
      problem: `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    });
    return { entries: fast.size, checkpoints: signed.length, latest, problems };
  }
  problems.push(...replay.finish());
  return { entries: replay.size, checkpoints: signed.length, latest, problems };
}

function toSigned(checkpoint: CheckpointJson): SignedCheckpoint {
  return { ...checkpoint, rootHash: Buffer.from(checkpoint.rootHash, 'hex') };
}
