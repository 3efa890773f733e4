import { ForbiddenError, UnauthorizedError } from '@hub/element-sdk';
import { OrganizationSuspendedError, SecretBox, type Store, type Tenant } from '@hub/store';
import type { ExecutionContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { PlatformAuthGuard } from './auth.guard';
import { FORMULA_OWNER_HEADER, FORMULA_OWNER_MAX_AHEAD_SECONDS, signFormulaOwner } from './formula-owner';

/** A store whose signing key is real (a SecretBox) and whose members are: organization 7's user 9; organization 8 is suspended. */
function fakeStore(box = new SecretBox([{ id: 'k', key: randomBytes(32) }])) {
  const store = {
    sign: (value: string, context: string) => box.sign(value, `signed:${context}`),
    signatureMatches: (value: string, context: string, signature: string) => box.verify(value, `signed:${context}`, signature),
    tenants: {
      authenticate: async () => null,
      authenticateMember: async (organizationId: number, userId: number) => {
        if (organizationId === 8) throw new OrganizationSuspendedError(8);
        return organizationId === 7 && userId === 9 ? ({ organizationId, userId } as Tenant) : null;
      },
    },
  } as unknown as Store;
  return store;
}

const tenant = (organizationId: number, userId: number) => ({ organizationId, userId }) as Tenant;

function call(headers: Record<string, string | string[]>, url = '/elements/api-v2/instances?pageSize=5') {
  const request: { headers: Record<string, string | string[]>; url: string; tenant?: Tenant } = { headers, url };
  const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return { request, context };
}

describe('PlatformAuthGuard and the formula owner identity', () => {
  const store = fakeStore();
  const guard = new PlatformAuthGuard(store);

  it('a header this hub signed, not expired, authenticates its organization and user', async () => {
    const { request, context } = call({ [FORMULA_OWNER_HEADER]: signFormulaOwner(store, tenant(7, 9)) });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.tenant).toEqual({ organizationId: 7, userId: 9 });
  });

  it('a valid header reaches no route a request step refuses (a leaked header is no key to secrets, logins or the admin API): 403', async () => {
    const header = { [FORMULA_OWNER_HEADER]: signFormulaOwner(store, tenant(7, 9)) };
    for (const url of ['/elements/api-v2/users/me/secret/rotate', '/elements/api-v2/organizations/secret/rotate', '/elements/api-v2/authentication/secrets', '/elements/api-v2/hubs/messaging/messages?x=1']) {
      await expect(guard.canActivate(call(header, url).context)).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(guard.canActivate(call(header, '/elements/api-v2/formulas/instances').context)).resolves.toBe(true);
  });

  it('a forged signature, another installation’s key, a changed claim, an expired or far-future one, a bad format: 401', async () => {
    const good = signFormulaOwner(store, tenant(7, 9));
    const [org, user, expiry, mac] = good.split('.');
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      `${org}.${user}.${expiry}.${'A'.repeat(43)}`,
      signFormulaOwner(fakeStore(), tenant(7, 9)),
      `${org}.10.${expiry}.${mac}`,
      `${org}.${user}.${Number(expiry) + 1}.${mac}`,
      signFormulaOwner(store, tenant(7, 9), Date.now() - 31_000),
      `7.9.${now + FORMULA_OWNER_MAX_AHEAD_SECONDS + 5}.${store.sign(`7.9.${now + FORMULA_OWNER_MAX_AHEAD_SECONDS + 5}`, 'formula-owner')}`,
      'User abc, Organization def',
      `${org}.${user}.${mac}`,
      '',
    ];
    for (const header of refused) {
      await expect(guard.canActivate(call({ [FORMULA_OWNER_HEADER]: header }).context)).rejects.toBeInstanceOf(UnauthorizedError);
    }
    // Twice: not one identity.
    await expect(guard.canActivate(call({ [FORMULA_OWNER_HEADER]: [good, good] }).context)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('a signed identity wins over an Authorization header, and a bad one is not rescued by it', async () => {
    await expect(guard.canActivate(call({ [FORMULA_OWNER_HEADER]: 'x', authorization: 'User u, Organization o' }).context)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('a user no longer in the organization: 401; a suspended organization: 403, as with secrets', async () => {
    await expect(guard.canActivate(call({ [FORMULA_OWNER_HEADER]: signFormulaOwner(store, tenant(7, 10)) }).context)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(guard.canActivate(call({ [FORMULA_OWNER_HEADER]: signFormulaOwner(store, tenant(8, 9)) }).context)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('without the header, the secrets are asked for as before', async () => {
    await expect(guard.canActivate(call({}).context)).rejects.toThrow(/Authorization header is missing/);
  });
});
