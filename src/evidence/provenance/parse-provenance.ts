import { DossierError } from '../../core/errors.ts';
import type { ParseContext } from '../format.ts';
import { readDocument } from './documents.ts';
import { readJsonDocuments } from './read-documents.ts';
import { type ProvenanceSummary, ProvenanceSummaryBuilder } from './summary.ts';
import { message, prepareTrust } from './trust.ts';

/**
 * Reads a provenance file (any of the provenance formats, one document or JSON Lines) into a
 * summary: each statement with its subjects, builder, source and signature status, and whether
 * the release's artifacts are among the subjects. Signatures are checked against the trust
 * material in `context`; time comes from `context.now`.
 */
export async function parseProvenance(
  source: AsyncIterable<Uint8Array>,
  context: ParseContext,
  label: string,
): Promise<ProvenanceSummary> {
  const trust = prepareTrust(context.trust);
  const builder = new ProvenanceSummaryBuilder(context.artifacts);
  for (const warning of trust.warnings) builder.warn(warning);
  const failures = new WeakSet<object>();
  try {
    for await (const { line, value } of readJsonDocuments(passErrorsThrough(source, failures))) {
      for (const record of readDocument(value, line, { trust, now: context.now }))
        builder.add(record);
    }
  } catch (error) {
    // The source failing (a read error) is not the file's fault: it goes up as it is.
    if (typeof error === 'object' && error !== null && failures.has(error)) throw error;
    if (error instanceof DossierError) {
      throw new DossierError(error.code, error.message.replace(/^provenance:/, `${label}:`), {
        issues: error.issues,
        cause: error.cause,
      });
    }
    // A fault in a library on input it did not expect: still the file's problem, reported as such.
    throw new DossierError(
      'EVIDENCE_MALFORMED',
      `${label}: the file could not be read (${message(error)})`,
      {
        cause: error,
      },
    );
  }
  return builder.build();
}

/** Marks errors raised by the source itself, so they are not mistaken for malformed content. */
async function* passErrorsThrough(
  source: AsyncIterable<Uint8Array>,
  failures: WeakSet<object>,
): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (typeof error === 'object' && error !== null) failures.add(error);
        throw error;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
