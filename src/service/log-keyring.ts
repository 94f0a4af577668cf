import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import { chmod, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatVerifierKey, keyHashOf, type NoteSignature } from '../core/audit-log/signed-note.ts';
import { DossierError } from '../core/errors.ts';

export interface PublishedKey {
  name: string;
  /** C2SP verifier key: `<name>+<hex key hash>+<base64 key>`. */
  verifierKey: string;
  active: boolean;
}

/** Signs the audit log's checkpoints. Old keys stay published so old checkpoints stay verifiable. */
export interface LogSigner {
  /** The log's name in every checkpoint; fixed for the life of the data directory. */
  readonly origin: string;
  activeKeyName(): string;
  sign(text: string): NoteSignature;
  /** Raw Ed25519 signature over bytes with the active key (for DSSE envelopes). */
  signBytes(data: Uint8Array): { keyName: string; signature: Uint8Array };
  publishedKeys(): PublishedKey[];
  /**
   * Writes a new key into the key directory (never over an existing file) and loads it, without
   * signing with it yet. A read-only directory is refused with DATA_DIR_UNUSABLE.
   */
  createKey(): Promise<PublishedKey>;
  /**
   * Signs with the key `name` from now on, loading `<name>.key` from the key directory if this
   * instance has not seen it (another instance rotated). Refuses with LOG_KEY_MISSING if the file
   * is not there or is not the key `verifierKey` names. `persist` also records it in `active`, so
   * the next start begins with it.
   */
  activate(name: string, verifierKey: string, options?: { persist?: boolean }): Promise<void>;
  /** Deletes a key made by `createKey` that was never activated (its rotation failed). */
  discard(name: string): Promise<void>;
}

interface LoadedKey {
  name: string;
  privateKey: ReturnType<typeof createPrivateKey>;
  publicKey: Uint8Array;
}

/**
 * The log's Ed25519 keys, kept in `<data>/log-keys/` as PKCS#8 PEM files readable by the owner
 * only (0600), with `origin` and `active` beside them. Created on first use.
 */
export interface OpenLogKeyringOptions {
  /**
   * Whether a missing origin or key may be created. False once the log already has keys
   * recorded: a fresh key directory then means the shared one was not mounted.
   */
  create: boolean;
}

export async function openLogKeyring(
  dir: string,
  options: OpenLogKeyringOptions = { create: true },
): Promise<LogSigner> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!options.create && !(await readOptional(join(dir, 'origin')))) {
    throw new DossierError(
      'DATA_DIR_UNUSABLE',
      `${dir} holds no log keys, but this log already has signing keys recorded: mount the log-keys directory the log was created with (every instance must share it)`,
    );
  }
  const origin = await readOrCreate(
    join(dir, 'origin'),
    () => `dossier/${randomBytes(6).toString('hex')}`,
  );
  const instance = origin.split('/').pop() ?? 'log';
  const keys = new Map<string, LoadedKey>();
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.key')).sort()) {
    const key = await loadKey(join(dir, file));
    keys.set(key.name, key);
  }
  let active = await readOptional(join(dir, 'active'));
  if ((!active || !keys.has(active)) && !options.create) {
    throw new DossierError(
      'DATA_DIR_UNUSABLE',
      `${dir} has no usable active log key; mount the shared log-keys directory`,
    );
  }
  if (!active || !keys.has(active)) {
    active = await createKey(dir, `dossier-${instance}-k${keys.size + 1}`, keys);
  }
  const activeName = { value: active };
  const published = (key: LoadedKey): PublishedKey => ({
    name: key.name,
    verifierKey: formatVerifierKey(key.name, key.publicKey),
    active: key.name === activeName.value,
  });
  return {
    origin,
    activeKeyName: () => activeName.value,
    sign(text) {
      const key = keys.get(activeName.value) as LoadedKey;
      return {
        keyName: key.name,
        keyHash: keyHashOf(key.name, key.publicKey),
        signature: sign(null, Buffer.from(text, 'utf8'), key.privateKey),
      };
    },
    signBytes(data) {
      const key = keys.get(activeName.value) as LoadedKey;
      return { keyName: key.name, signature: sign(null, data, key.privateKey) };
    },
    publishedKeys: () => [...keys.values()].map(published),
    async createKey() {
      const name = await writeNewKey(dir, instance, keys);
      return published(keys.get(name) as LoadedKey);
    },
    async activate(name, verifierKey, options = {}) {
      let key = keys.get(name);
      if (!key) {
        key = await loadRotatedKey(dir, name);
        keys.set(name, key);
      }
      if (published(key).verifierKey !== verifierKey) {
        keys.delete(name);
        throw new DossierError(
          'LOG_KEY_MISSING',
          `${join(dir, `${name}.key`)} is not the log key recorded as ${name}: mount the log-keys directory the other instances use; this instance signs nothing until then`,
        );
      }
      activeName.value = name;
      if (options.persist) await writeActive(dir, name);
    },
    async discard(name) {
      if (name === activeName.value) return;
      keys.delete(name);
      await rm(join(dir, `${name}.key`), { force: true });
    },
  };
}

/** The next free `dossier-<instance>-k<n>` name; files are created with `link`, which never replaces one. */
async function writeNewKey(
  dir: string,
  instance: string,
  keys: Map<string, LoadedKey>,
): Promise<string> {
  for (let n = keys.size + 1; ; n++) {
    const name = `dossier-${instance}-k${n}`;
    if (keys.has(name)) continue;
    try {
      await createKey(dir, name, keys, { activate: false });
      return name;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
  }
}

async function loadRotatedKey(dir: string, name: string): Promise<LoadedKey> {
  // Names come from the database; a recorded name is never a path.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new DossierError('LOG_KEY_MISSING', `the log key name "${name}" is not a file name`);
  }
  try {
    return await loadKey(join(dir, `${name}.key`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new DossierError(
      'LOG_KEY_MISSING',
      `the log's signing key is now ${name} (rotated by another instance), but ${dir} has no ${name}.key: update the shared log-keys directory on this instance; it signs nothing until then`,
      { cause: error },
    );
  }
}

async function createKey(
  dir: string,
  name: string,
  keys: Map<string, LoadedKey>,
  options: { activate: boolean } = { activate: true },
): Promise<string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const path = join(dir, `${name}.key`);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  // Written to a temporary name with mode 0600 from the start, then linked to its name: the key
  // is never readable by others, a crash never leaves half a key under the real name, and a key
  // already there (another instance's) is never replaced.
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, pem, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await link(temporary, path);
  } catch (error) {
    throw unwritable(dir, error);
  } finally {
    await rm(temporary, { force: true }).catch(() => {});
  }
  keys.set(name, await loadKey(path));
  if (options.activate) await writeActive(dir, name);
  return name;
}

async function writeActive(dir: string, name: string): Promise<void> {
  try {
    await writeFile(join(dir, 'active.tmp'), `${name}\n`, { mode: 0o600 });
    await rename(join(dir, 'active.tmp'), join(dir, 'active'));
  } catch (error) {
    throw unwritable(dir, error);
  }
}

/** A read-only key directory is a setup to name, not a fault to show a stack trace for. */
function unwritable(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM') return error;
  return new DossierError(
    'DATA_DIR_UNUSABLE',
    `cannot write a new log key: the key directory ${dir} is read-only (${code}). Rotate where log-keys/ is writable, then give every instance the new files (docs/deploy.md, "Rotating the log key")`,
    { cause: error },
  );
}

async function loadKey(path: string): Promise<LoadedKey> {
  const privateKey = createPrivateKey(await readFile(path));
  const publicKey = createPublicKey(privateKey)
    .export({ format: 'der', type: 'spki' })
    .subarray(-32);
  const name =
    path
      .split('/')
      .pop()
      ?.replace(/\.key$/, '') ?? '';
  return { name, privateKey, publicKey: new Uint8Array(publicKey) };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readOrCreate(path: string, make: () => string): Promise<string> {
  const existing = await readOptional(path);
  if (existing) return existing;
  const value = make();
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  return value;
}
