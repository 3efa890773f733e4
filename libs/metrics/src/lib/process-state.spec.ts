import { bearerTokenMatches, ProcessState } from './process-state';

describe('ProcessState', () => {
  it('is not ready while starting, ready once running with a database that answers, and not ready again once draining', async () => {
    const state = new ProcessState();
    expect(await state.readiness()).toMatchObject({ ready: false, phase: 'starting' });
    state.running(async () => ({ kind: 'embedded' }));
    expect(await state.readiness()).toMatchObject({ ready: true, phase: 'running', database: { status: 'up', kind: 'embedded' } });
    state.drain();
    expect(await state.readiness()).toMatchObject({ ready: false, phase: 'draining' });
    state.running(async () => ({ kind: 'embedded' })); // a late bootstrap does not undo a drain
    expect(state.phase).toBe('draining');
  });

  it('is not ready while the database does not answer, and says why', async () => {
    const state = new ProcessState();
    state.running(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
    expect(await state.readiness()).toEqual({
      ready: false,
      phase: 'running',
      reason: 'the database does not answer',
      database: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:5432' },
    });
  });
});

describe('bearerTokenMatches', () => {
  const token = 'a-metrics-token-of-some-length';
  it('accepts the token as a bearer token only', () => {
    expect(bearerTokenMatches(token, `Bearer ${token}`)).toBe(true);
    expect(bearerTokenMatches(token, `bearer ${token}`)).toBe(true);
    expect(bearerTokenMatches(token, [`Bearer ${token}`])).toBe(true);
    expect(bearerTokenMatches(token, undefined)).toBe(false);
    expect(bearerTokenMatches(token, token)).toBe(false);
    expect(bearerTokenMatches(token, `Basic ${token}`)).toBe(false);
    expect(bearerTokenMatches(token, `Bearer ${token}x`)).toBe(false);
    expect(bearerTokenMatches(token, `Bearer ${token.slice(1)}`)).toBe(false);
    expect(bearerTokenMatches(token, 'Bearer ')).toBe(false);
  });
});
