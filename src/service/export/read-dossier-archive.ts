import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ATTESTATION_DIR, LOG_PROOF_PATH, MANIFEST_PATH } from '../../core/dossier/manifest.ts';
import type { ArchiveContents } from '../../core/dossier/verify-dossier.ts';
import { DossierError } from '../../core/errors.ts';

export interface ArchiveLimits {
  maxEntries: number;
  /** Largest total of uncompressed bytes across all entries. */
  maxTotalBytes: number;
  /** Largest JSON file read into memory (manifest, proofs, attestations). */
  maxTextBytes: number;
  /** Largest uncompressed/compressed ratio accepted for entries over 1 MiB. */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 100_000,
  maxTotalBytes: 64 * 1024 * 1024 * 1024, // 64 GiB
  maxTextBytes: 256 * 1024 * 1024, // 256 MiB
  maxRatio: 1000,
};

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Reads a dossier archive defensively and digests every entry, streaming. Refused outright:
 * absolute or `..` paths and backslashes (yauzl's strict names), links, duplicate names,
 * declared sizes that lie (yauzl checks the inflated size), compression ratios of a bomb, and
 * archives over the entry or size limits.
 */
export async function readDossierArchive(
  path: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveContents> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      strictFileNames: true,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw unreadable(`${path} is not a readable zip archive: ${(error as Error).message}`, error);
  }
  const files = new Map<string, { sha256: string; size: number }>();
  const texts = new Map<string, Uint8Array>();
  let total = 0;
  try {
    if (zip.entryCount > limits.maxEntries)
      throw unreadable(`the archive has ${zip.entryCount} entries, more than ${limits.maxEntries}`);
    for await (const entry of entries(zip)) {
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK)
        throw unreadable(`entry ${name} is a link; links are refused`);
      if (files.has(name))
        throw unreadable(`entry ${name} appears twice; duplicate names are refused`);
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes)
        throw unreadable(`the archive expands to more than ${limits.maxTotalBytes} bytes`);
      if (
        entry.uncompressedSize > 1024 * 1024 &&
        entry.uncompressedSize / Math.max(entry.compressedSize, 1) > limits.maxRatio
      ) {
        throw unreadable(
          `entry ${name} expands ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))}-fold; refused as a decompression bomb`,
        );
      }
      const keep = isText(name);
      if (keep && entry.uncompressedSize > limits.maxTextBytes)
        throw unreadable(`entry ${name} is larger than ${limits.maxTextBytes} bytes`);
      const stream = await zip.openReadStreamPromise(entry);
      const { sha256, size, bytes } = await digest(stream, keep, name);
      files.set(name, { sha256, size });
      if (bytes) texts.set(name, bytes);
    }
  } catch (error) {
    if (error instanceof DossierError) throw error;
    throw unreadable(`the archive could not be read: ${(error as Error).message}`, error);
  } finally {
    zip.close();
  }
  return { files, texts };
}

function isText(name: string): boolean {
  return (
    name === MANIFEST_PATH ||
    name === LOG_PROOF_PATH ||
    (name.startsWith(ATTESTATION_DIR) && name.endsWith('.json'))
  );
}

async function* entries(zip: ZipFile): AsyncIterable<Entry> {
  const queue: Array<{ entry?: Entry; error?: Error; done?: boolean }> = [];
  let wake: (() => void) | undefined;
  const push = (item: { entry?: Entry; error?: Error; done?: boolean }) => {
    queue.push(item);
    wake?.();
  };
  zip.on('entry', (entry: Entry) => push({ entry }));
  zip.on('end', () => push({ done: true }));
  zip.on('error', (error: Error) => push({ error }));
  zip.readEntry();
  while (true) {
    if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    const item = queue.shift();
    if (!item) continue;
    if (item.error) throw item.error;
    if (item.done) return;
    if (item.entry) {
      yield item.entry;
      zip.readEntry();
    }
  }
}

async function digest(stream: Readable, keep: boolean, name: string) {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (keep) chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw unreadable(`entry ${name} could not be read: ${(error as Error).message}`, error);
  }
  return { sha256: hash.digest('hex'), size, bytes: keep ? Buffer.concat(chunks) : undefined };
}

function unreadable(message: string, cause?: unknown): DossierError {
  return new DossierError('ARCHIVE_UNREADABLE', message, cause === undefined ? {} : { cause });
}
