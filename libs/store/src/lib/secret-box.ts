import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ENVELOPE_VERSION = 'v1';
const KEY_BYTES = 32;

export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * AES-256-GCM encryption of secrets at rest. An envelope names the key that sealed it
 * (`v1.<keyId>.<iv>.<tag>.<ciphertext>`, base64url), so keys can be rotated: the first key
 * seals, every listed key opens. The associated data binds a value to what it is (e.g. the
 * configuration key), so a ciphertext copied into another field does not open.
 */
export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  /** HKDF-derived HMAC keys by key id and context, derived once. */
  private readonly macKeys = new Map<string, Buffer>();

  constructor(private readonly keyring: readonly EncryptionKey[]) {
    if (keyring.length === 0) throw new Error('SecretBox needs at least one key');
    this.keys = new Map(keyring.map((k) => [k.id, k.key]));
  }

  get currentKeyId(): string {
    return this.keyring[0].id;
  }

  seal(plaintext: string, associatedData: string): string {
    const { id, key } = this.keyring[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [ENVELOPE_VERSION, id, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(envelope: string, associatedData: string): string {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== ENVELOPE_VERSION) throw new Error('not a sealed secret');
    const [, id, iv, tag, ciphertext] = parts;
    const key = this.keys.get(id);
    if (!key) throw new Error(`secret sealed with unknown key id '${id}': add that key to HUB_ENCRYPTION_KEY`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * An HMAC-SHA256 of `data` (base64url) under a key derived (HKDF) from the current encryption key
   * for `context`: every process holding the same HUB_ENCRYPTION_KEY (every api replica and poller
   * of one installation) computes the same signature, and nothing else must be configured.
   */
  sign(data: string, context: string): string {
    return createHmac('sha256', this.macKey(this.keyring[0], context)).update(data, 'utf8').digest('base64url');
  }

  /** Whether `signature` is `sign(data, context)` under any listed key (so a key rotation keeps signatures good). */
  verify(data: string, context: string, signature: string): boolean {
    const given = Buffer.from(signature, 'base64url');
    return this.keyring.some((k) => {
      const expected = createHmac('sha256', this.macKey(k, context)).update(data, 'utf8').digest();
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  }

  private macKey(key: EncryptionKey, context: string): Buffer {
    const id = `${key.id}\u0000${context}`;
    let derived = this.macKeys.get(id);
    if (!derived) {
      derived = Buffer.from(hkdfSync('sha256', key.key, Buffer.alloc(0), `messaging-hub mac:${context}`, 32));
      this.macKeys.set(id, derived);
    }
    return derived;
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${ENVELOPE_VERSION}.`) && value.split('.').length === 5;
  }
}

/** A key id derived from the key itself, so the same key always has the same id. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Parses HUB_ENCRYPTION_KEY: one or more base64 keys of 32 bytes, comma separated, each
 * optionally prefixed with `<id>:`. The first seals new secrets; all open old ones.
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const keys = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(':');
      const [id, encoded] = colon > 0 ? [part.slice(0, colon), part.slice(colon + 1)] : [undefined, part];
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== KEY_BYTES) {
        throw new Error(`HUB_ENCRYPTION_KEY: each key must be ${KEY_BYTES} bytes, base64-encoded (openssl rand -base64 32)`);
      }
      if (id !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
        throw new Error('HUB_ENCRYPTION_KEY: a key id may hold only letters, digits, _ and - (at most 32)');
      }
      return { id: id ?? keyIdOf(key), key };
    });
  if (keys.length === 0) throw new Error('HUB_ENCRYPTION_KEY is empty');
  return keys;
}

/** The embedded default's key: generated once into the data folder (mode 0600) and reused. */
export async function loadOrCreateKeyFile(dataDir: string): Promise<EncryptionKey[]> {
  const file = path.join(dataDir, 'encryption.key');
  try {
    return parseEncryptionKeys((await readFile(file, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return [{ id: keyIdOf(key), key }];
}

/** Secrets that authenticate callers (user, organization, instance token) are stored only as hashes. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random secret: 32 bytes, base64. */
export function newSecret(): string {
  return randomBytes(32).toString('base64');
}
