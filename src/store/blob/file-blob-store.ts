import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isSha256Hex } from '../../core/evidence-record.ts';
import {
  type BlobStore,
  BlobTooLargeError,
  type StagedBlob,
  type StageOptions,
} from './blob-store.ts';

/**
 * Blobs on the local disk at `<root>/sha256/ab/cd/<digest>`. Incoming bytes are hashed while
 * they stream to `<root>/tmp/`, flushed, and only then renamed under their digest: a crash or a
 * dropped upload can leave a stray temporary file, never a partial blob under a real name.
 */
export async function openFileBlobStore(root: string): Promise<BlobStore> {
  await mkdir(join(root, 'tmp'), { recursive: true });
  await mkdir(join(root, 'sha256'), { recursive: true });
  return new FileBlobStore(root);
}

class FileBlobStore implements BlobStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  #pathOf(sha256: string): string {
    return join(this.#root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async stage(source: AsyncIterable<Uint8Array>, options: StageOptions): Promise<StagedBlob> {
    const tempPath = join(this.#root, 'tmp', `${randomBytes(16).toString('hex')}.part`);
    const file = await open(tempPath, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(tempPath, { force: true });
      throw error;
    }
    await file.close();
    const sha256 = hash.digest('hex');
    const finalPath = this.#pathOf(sha256);
    let settled = false;
    return {
      sha256,
      size,
      open: () => createReadStream(tempPath),
      commit: async () => {
        if (settled) return;
        settled = true;
        if (await exists(finalPath)) {
          // Same digest, same bytes: the stored blob stays untouched.
          await rm(tempPath, { force: true });
          return;
        }
        const directory = join(this.#root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4));
        await mkdir(directory, { recursive: true });
        await rename(tempPath, finalPath);
        await syncDirectory(directory);
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await rm(tempPath, { force: true });
      },
    };
  }

  async open(sha256: string): Promise<Readable | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const path = this.#pathOf(sha256);
    if (!(await exists(path))) return undefined;
    return createReadStream(path);
  }

  async has(sha256: string): Promise<boolean> {
    return isSha256Hex(sha256) && exists(this.#pathOf(sha256));
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The rename is durable only once the directory entry itself is flushed. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
