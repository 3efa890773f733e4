import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretBox, hashSecret, keyIdOf, loadOrCreateKeyFile, newSecret, parseEncryptionKeys } from './secret-box';
import { randomBytes } from 'node:crypto';

const key = () => randomBytes(32);

describe('SecretBox', () => {
  const box = new SecretBox([{ id: 'k1', key: key() }]);

  it('seals so that the clear text is nowhere in the envelope, and opens it back', () => {
    const envelope = box.seal('my-auth-token', 'instance_configuration:password');
    expect(envelope).toMatch(/^v1\.k1\./);
    expect(envelope).not.toContain('my-auth-token');
    expect(box.open(envelope, 'instance_configuration:password')).toBe('my-auth-token');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'a')).not.toBe(box.seal('same', 'a'));
  });

  it('refuses an envelope moved to another field (associated data) or tampered with', () => {
    const envelope = box.seal('secret', 'instance_configuration:password');
    expect(() => box.open(envelope, 'instance_configuration:username')).toThrow();
    const parts = envelope.split('.');
    parts[4] = Buffer.from('forged').toString('base64url');
    expect(() => box.open(parts.join('.'), 'instance_configuration:password')).toThrow();
  });

  it('opens secrets sealed with an older key after rotation, and seals with the newest', () => {
    const oldKey = { id: 'old', key: key() };
    const sealedBefore = new SecretBox([oldKey]).seal('v', 'x');
    const rotated = new SecretBox([{ id: 'new', key: key() }, oldKey]);
    expect(rotated.open(sealedBefore, 'x')).toBe('v');
    expect(rotated.seal('v', 'x')).toMatch(/^v1\.new\./);
    expect(() => new SecretBox([{ id: 'other', key: key() }]).open(sealedBefore, 'x')).toThrow(/unknown key id 'old'/);
  });
});

describe('parseEncryptionKeys', () => {
  it('reads one key, or several with ids, and derives stable ids', () => {
    const a = key();
    const b = key();
    expect(parseEncryptionKeys(a.toString('base64'))).toEqual([{ id: keyIdOf(a), key: a }]);
    const keys = parseEncryptionKeys(`2026:${b.toString('base64')}, 2025:${a.toString('base64')}`);
    expect(keys.map((k) => k.id)).toEqual(['2026', '2025']);
  });

  it('refuses keys of the wrong size, naming the variable', () => {
    expect(() => parseEncryptionKeys(randomBytes(16).toString('base64'))).toThrow(/HUB_ENCRYPTION_KEY.*32 bytes/);
    expect(() => parseEncryptionKeys(' , ')).toThrow(/HUB_ENCRYPTION_KEY is empty/);
  });
});

describe('loadOrCreateKeyFile', () => {
  it('creates the key once with mode 0600 and reuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hub-key-'));
    try {
      const first = await loadOrCreateKeyFile(path.join(dir, 'data'));
      const file = path.join(dir, 'data', 'encryption.key');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const second = await loadOrCreateKeyFile(path.join(dir, 'data'));
      expect(second).toEqual(first);
      expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(first[0].key);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets', () => {
  it('are 32 random bytes and hash to a stable hex digest', () => {
    const secret = newSecret();
    expect(Buffer.from(secret, 'base64')).toHaveLength(32);
    expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(secret)).toBe(hashSecret(secret));
  });
});

describe('SecretBox signatures', () => {
  const first = { id: 'k1', key: key() };
  const second = { id: 'k2', key: key() };

  it('every box with the same key signs the same way; another context, value or key does not verify', () => {
    const a = new SecretBox([first]);
    const b = new SecretBox([first]);
    const signature = a.sign('7.9.1700000000', 'formula-owner');
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.sign('7.9.1700000000', 'formula-owner')).toBe(signature);
    expect(b.verify('7.9.1700000000', 'formula-owner', signature)).toBe(true);
    expect(b.verify('7.9.1700000001', 'formula-owner', signature)).toBe(false);
    expect(b.verify('7.9.1700000000', 'other', signature)).toBe(false);
    expect(new SecretBox([second]).verify('7.9.1700000000', 'formula-owner', signature)).toBe(false);
    expect(b.verify('7.9.1700000000', 'formula-owner', 'short')).toBe(false);
  });

  it('a rotated keyring (new key first) still verifies what the old key signed', () => {
    const signature = new SecretBox([first]).sign('x', 'c');
    expect(new SecretBox([second, first]).verify('x', 'c', signature)).toBe(true);
  });
});
