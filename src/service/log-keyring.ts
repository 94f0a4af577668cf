import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
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
  /** Makes a new key the active one and returns its name. */
  rotate(): Promise<string>;
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
    publishedKeys: () =>
      [...keys.values()].map((key) => ({
        name: key.name,
        verifierKey: formatVerifierKey(key.name, key.publicKey),
        active: key.name === activeName.value,
      })),
    async rotate() {
      activeName.value = await createKey(dir, `dossier-${instance}-k${keys.size + 1}`, keys);
      return activeName.value;
    },
  };
}

async function createKey(dir: string, name: string, keys: Map<string, LoadedKey>): Promise<string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const path = join(dir, `${name}.key`);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  // Written to a temporary name with mode 0600 from the start, then renamed: the key is never
  // readable by others, and a crash never leaves half a key under the real name.
  await writeFile(`${path}.tmp`, pem, { mode: 0o600, flag: 'w' });
  await chmod(`${path}.tmp`, 0o600);
  await rename(`${path}.tmp`, path);
  keys.set(name, await loadKey(path));
  await writeFile(join(dir, 'active.tmp'), `${name}\n`, { mode: 0o600 });
  await rename(join(dir, 'active.tmp'), join(dir, 'active'));
  return name;
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
