import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { DossierError } from '../core/errors.ts';
import {
  backupSqliteDatabase,
  damagedInlineBlobs,
  inspectSqliteDatabase,
} from '../store/sqlite/backup-sqlite.ts';

const DATABASE = 'dossier.db';
/** What a backup holds besides the database: evidence bytes and the log's keys and origin. */
const BLOB_FOLDER = 'blobs/sha256';
const FOLDERS = [BLOB_FOLDER, 'log-keys'];

export interface BackupResult {
  file: string;
  files: number;
  bytes: number;
}

/**
 * Backs up an embedded data directory while the server may be running: a consistent SQLite
 * snapshot, every committed blob, and the log keys, into one zip. Blobs are write-once, so any
 * blob a snapshotted record points at is already there when the snapshot is taken.
 */
export async function backupDataDir(dataDir: string, file: string): Promise<BackupResult> {
  const database = join(dataDir, DATABASE);
  if (!(await exists(database))) {
    throw new DossierError(
      'DATA_DIR_UNUSABLE',
      `${dataDir} has no ${DATABASE}; is it a Dossier data directory?`,
    );
  }
  const snapshot = join(dataDir, `.backup-${process.pid}.db`);
  const partial = `${file}.partial`;
  let count = 1;
  try {
    await backupSqliteDatabase(database, snapshot);
    // A backup vouches for the bytes it holds: every blob is checked against its digest, the
    // small ones kept in the database here, the files below as they are copied.
    const [damaged] = damagedInlineBlobs(snapshot);
    if (damaged !== undefined) throw blobDamaged(`${damaged} (in ${DATABASE})`);
    const zip = new ZipFile();
    // yazl reports a failed entry on the ZipFile, not on its output: end the output with it.
    const fail = (error: Error) => (zip.outputStream as Readable).destroy(error);
    zip.on('error', fail);
    zip.addFile(snapshot, DATABASE);
    for (const folder of FOLDERS) {
      for (const path of await listFiles(join(dataDir, folder))) {
        const name = relative(dataDir, path);
        if (folder === BLOB_FOLDER) {
          zip.addReadStreamLazy(name, { mode: 0o600 }, (done) =>
            done(null, checkedBlob(path, name, fail)),
          );
        } else {
          zip.addFile(path, name, { mode: 0o600 });
        }
        count++;
      }
    }
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(partial, { mode: 0o600 }));
    await rename(partial, file);
  } finally {
    await rm(snapshot, { force: true });
    await rm(partial, { force: true });
  }
  return { file, files: count, bytes: (await stat(file)).size };
}

/**
 * Restores a backup into an empty (or new) data directory. Refuses to overwrite anything, reads
 * the archive defensively, checks every blob against its name and the database's integrity, and
 * only then moves the result into place.
 */
export async function restoreDataDir(
  file: string,
  dataDir: string,
): Promise<{ files: number; schemaVersion: number }> {
  if ((await exists(dataDir)) && (await readdir(dataDir)).length > 0) {
    throw new DossierError(
      'INVALID_INPUT',
      `${dataDir} is not empty; restore only into an empty or new directory`,
    );
  }
  const staging = `${dataDir}.restoring-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true, mode: 0o700 });
  let files = 0;
  try {
    const zip = await yauzl
      .openPromise(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true })
      .catch((error: Error) => {
        throw new DossierError(
          'ARCHIVE_UNREADABLE',
          `${file} is not a readable backup: ${error.message}`,
        );
      });
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', async (entry: yauzl.Entry) => {
        try {
          const name = entry.fileName;
          const allowed =
            name === DATABASE || FOLDERS.some((folder) => name.startsWith(`${folder}/`));
          if (!allowed || name.endsWith('/'))
            throw new DossierError('ARCHIVE_UNREADABLE', `unexpected entry ${name} in the backup`);
          if (seen.has(name))
            throw new DossierError('ARCHIVE_UNREADABLE', `entry ${name} appears twice`);
          seen.add(name);
          const target = join(staging, name);
          await mkdir(dirname(target), { recursive: true, mode: 0o700 });
          const hash = createHash('sha256');
          const stream = await zip.openReadStreamPromise(entry);
          stream.on('data', (chunk: Buffer) => hash.update(chunk));
          await pipeline(stream, createWriteStream(target, { mode: 0o600 }));
          if (name.startsWith('blobs/sha256/') && hash.digest('hex') !== name.split('/').pop()) {
            throw new DossierError(
              'ARCHIVE_UNREADABLE',
              `blob ${name} does not match its digest; the backup is damaged`,
            );
          }
          files++;
          zip.readEntry();
        } catch (error) {
          zip.close();
          reject(error);
        }
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: Error) =>
        reject(
          new DossierError('ARCHIVE_UNREADABLE', `the backup could not be read: ${error.message}`),
        ),
      );
      zip.readEntry();
    });
    if (!seen.has(DATABASE))
      throw new DossierError('ARCHIVE_UNREADABLE', `the backup has no ${DATABASE}`);
    const check = inspectSqliteDatabase(join(staging, DATABASE));
    if (!check.ok)
      throw new DossierError(
        'ARCHIVE_UNREADABLE',
        `the backed-up database is damaged: ${check.detail}`,
      );
    await mkdir(join(staging, 'blobs', 'tmp'), { recursive: true });
    await rm(dataDir, { recursive: true, force: true });
    await rename(staging, dataDir);
    return { files, schemaVersion: check.version };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** The blob file's bytes, failing at the end (through `fail`) unless they hash to its name. */
function checkedBlob(path: string, name: string, fail: (error: Error) => void): Readable {
  const digest = basename(path);
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      callback(hash.digest('hex') === digest ? null : blobDamaged(name));
    },
  });
  const source = createReadStream(path);
  source.on('error', (error) => check.destroy(error));
  check.on('error', fail);
  return source.pipe(check);
}

function blobDamaged(what: string): DossierError {
  return new DossierError(
    'BLOB_DAMAGED',
    `blob ${what} does not match its SHA-256: the stored evidence bytes are damaged; no backup was written`,
  );
}

async function listFiles(dir: string): Promise<string[]> {
  if (!(await exists(dir))) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
