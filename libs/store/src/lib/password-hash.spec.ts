import { DummyPassword, hashPassword, passwordProblem, verifyPassword } from './password-hash';

// Cheap parameters keep the suite fast; the format and checks are the same at any cost.
const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('stores the algorithm, its parameters, a salt and the hash; verifies the password and nothing else', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct horse');
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts each hash: the same password twice gives two different hashes that both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('same password 1', FAST), hashPassword('same password 1', FAST)]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same password 1', a)).resolves.toBe(true);
    await expect(verifyPassword('same password 1', b)).resolves.toBe(true);
  });

  it('verifies with the parameters in the string, so hashes made with other costs still verify', async () => {
    const stronger = await hashPassword('a long passphrase', { N: 2048, r: 8, p: 2 });
    expect(stronger.startsWith('scrypt$2048$8$2$')).toBe(true);
    await expect(verifyPassword('a long passphrase', stronger)).resolves.toBe(true);
  });

  it('the default cost is N=2^15, r=8, p=1', async () => {
    const stored = await hashPassword('default cost pw');
    expect(stored.startsWith('scrypt$32768$8$1$')).toBe(true);
    await expect(verifyPassword('default cost pw', stored)).resolves.toBe(true);
  });

  it('refuses malformed or tampered hashes (and absurd costs) without throwing', async () => {
    const stored = await hashPassword('pw pw pw pw pw', FAST);
    const parts = stored.split('$');
    for (const bad of [
      '',
      'plain',
      stored.replace('scrypt', 'bcrypt'),
      [...parts.slice(0, 1), String(2 ** 24), ...parts.slice(2)].join('$'),
      [...parts.slice(0, 1), '1000', ...parts.slice(2)].join('$'),
      [...parts.slice(0, 5), 'AAAA'].join('$'),
      [...parts.slice(0, 5), Buffer.alloc(32).toString('base64url')].join('$'),
    ]) {
      await expect(verifyPassword('pw pw pw pw pw', bad)).resolves.toBe(false);
    }
  });

  it('a password longer than the bound never verifies', async () => {
    const long = 'x'.repeat(1025);
    const stored = await hashPassword(long, FAST);
    await expect(verifyPassword(long, stored)).resolves.toBe(false);
  });

  it('names what is wrong with a new password', () => {
    expect(passwordProblem('short')).toBe('a password needs at least 12 characters');
    expect(passwordProblem('x'.repeat(1025))).toBe('a password may have at most 1024 characters');
    expect(passwordProblem('twelve chars')).toBeUndefined();
  });

  it('the dummy check costs a real verification and always fails', async () => {
    const dummy = new DummyPassword(FAST);
    await expect(dummy.waste('anything')).resolves.toBe(false);
    await expect(dummy.waste('')).resolves.toBe(false);
  });
});
