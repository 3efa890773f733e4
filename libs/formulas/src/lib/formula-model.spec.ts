import { BadRequestError } from '@hub/element-sdk';
import { checkFormula, checkStep } from './formula-model';

const request = (properties: Record<string, unknown>) => ({ name: 'call', type: 'request', properties });
const refusal = (properties: Record<string, unknown>) => {
  try {
    checkStep(request(properties), 'steps[2]');
  } catch (error) {
    if (error instanceof BadRequestError) return error.message;
    throw error;
  }
  return undefined;
};

describe('request steps at validation', () => {
  it('accepts platform API paths, with references and placeholders resolved when they run', () => {
    for (const [method, api] of [
      ['GET', '/instances'],
      ['get', '/instances?pageSize=5'],
      ['PATCH', '/instances/{id}'],
      ['PUT', '/instances/${steps.find.id}/enabled'],
      ['GET', '/formulas/instances'],
      ['POST', '/formulas/${config.formula}/instances/${config.instance}/executions'],
      ['GET', '/elements/twiliov2/metadata'],
      ['DELETE', '/instances/5'],
      ['GET', '${steps.build.path}'],
      ['${config.method}', '/organizations/objects/definitions'],
    ]) {
      expect(refusal({ method, api })).toBeUndefined();
    }
    expect(checkFormula({ name: 'f', triggers: [{ type: 'manual', onSuccess: ['call'] }], steps: [request({ method: 'GET', api: '/instances' })] }).steps[0].type).toBe('request');
  });

  it('refuses hub calls (use elementRequest), the admin API, logins and secrets, webhooks in, probes, and paths that climb: each naming steps[i].properties.api', () => {
    const cases: [string, RegExp][] = [
      ['/hubs/messaging/messages', /use|elementRequest step/],
      ['/hubs/${config.hub}/messages', /elementRequest step/],
      ['/admin/organizations', /admin API/],
      ['/admin', /admin API/],
      ['/authentication/secrets', /logins and secrets/],
      ['/authentication', /logins and secrets/],
      ['/users/me/secret/rotate', /read or rotate secrets/],
      ['/organizations/secret/rotate', /read or rotate secrets/],
      ['/events/twiliov2/5', /vendor webhooks/],
      ['/health', /probe/],
      ['/metrics', /not the platform API/],
      ['instances', /starting with \//],
      ['//evil.example/instances', /starting with \//],
      ['https://evil.example/instances', /starting with \//],
      ['/instances/../admin/organizations', /'\.\.' segments/],
      ['/instances/%2e%2e/admin', /'\.\.' segments/],
      ['/instances/5%2f..%2fadmin', /encoded slashes/],
      ['/instances\\5', /backslashes/],
      ['/instances/%zz', /percent-encoding/],
      ['/', /must name a platform API path/],
      ['/HUBS/messaging/messages', /elementRequest step/],
    ];
    for (const [api, message] of cases) {
      const got = refusal({ method: 'GET', api });
      expect(got).toMatch(/^steps\[2\]\.properties\.api /);
      expect(got).toMatch(message);
    }
  });

  it('requires a method among GET, POST, PUT, PATCH, DELETE and an api, and checks the retry properties, naming each field', () => {
    expect(refusal({ api: '/instances' })).toMatch(/^steps\[2\]\.properties\.method is required/);
    expect(refusal({ method: 'TRACE', api: '/instances' })).toMatch(/^steps\[2\]\.properties\.method must be GET, POST, PUT, PATCH or DELETE/);
    expect(refusal({ method: 'GET' })).toMatch(/^steps\[2\]\.properties\.api is required/);
    expect(refusal({ method: 'GET', api: '/instances', retryAttempts: 9 })).toMatch(/^steps\[2\]\.properties\.retryAttempts/);
    expect(refusal({ method: 'GET', api: '/instances', acceptableStatusCodes: '2xx' })).toMatch(/^steps\[2\]\.properties\.acceptableStatusCodes/);
  });
});
