import type { Readable } from 'node:stream';
import { DossierError } from '../core/errors.ts';
import { EVIDENCE_KINDS, type EvidenceKind } from '../core/evidence-record.ts';
import {
  DETECT_HEAD_BYTES,
  type EvidenceFormat,
  type ParseContext,
  type TrustMaterial,
} from '../evidence/format.ts';
import {
  describeFormats,
  detectFormat,
  EVIDENCE_FORMATS,
  formatsForKind,
} from '../evidence/registry.ts';

/** Asks Dossier to tell the kind from the content. */
export const AUTO_KIND = 'auto';

export const NO_TRUST: TrustMaterial = { dsseKeys: [] };

export interface RecognizedEvidence {
  kind: EvidenceKind;
  format: string | null;
  summary: Record<string, unknown> | null;
}

/** What a file turned out to be: a known format, or a kind Dossier stores without parsing. */
export type IdentifiedFormat = { kind: EvidenceKind; format: EvidenceFormat | undefined };

interface Rereadable {
  open(): Readable;
}

/**
 * Decides the format from the file's first bytes, never from its name. A kind with known
 * formats must match one of them; `custom` and kinds without parsers are stored as they are.
 */
export async function identifyFormat(
  staged: Rereadable,
  kind: string,
  name: string,
): Promise<IdentifiedFormat> {
  if (kind === 'custom') return { kind: 'custom', format: undefined };
  const head = await readHead(staged.open(), DETECT_HEAD_BYTES);
  if (kind === AUTO_KIND) {
    const format = detectFormat(head);
    if (!format) {
      throw new DossierError(
        'EVIDENCE_UNRECOGNIZED',
        `could not tell what "${name}" is: it matches none of ${describeFormats(EVIDENCE_FORMATS) || 'the known formats'}; ` +
          `give its kind (${EVIDENCE_KINDS.join(', ')}), or custom to store it unparsed`,
      );
    }
    return { kind: format.kind, format };
  }
  const evidenceKind = kind as EvidenceKind;
  const candidates = formatsForKind(evidenceKind);
  if (candidates.length === 0) return { kind: evidenceKind, format: undefined };
  const format = detectFormat(head, evidenceKind);
  if (!format) {
    throw new DossierError(
      'EVIDENCE_UNRECOGNIZED',
      `"${name}" is not ${kind} evidence: expected ${describeFormats(candidates)}; use custom to store it unparsed`,
    );
  }
  return { kind: evidenceKind, format };
}

export async function summarize(
  staged: Rereadable,
  identified: IdentifiedFormat,
  context: ParseContext,
): Promise<RecognizedEvidence> {
  const { kind, format } = identified;
  if (!format) return { kind, format: null, summary: null };
  const summary = await format.parse(staged.open(), context);
  return { kind, format: format.id, summary };
}

async function readHead(stream: Readable, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}
