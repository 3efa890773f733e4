import { hubRegistry, methodLabel, recordVendorExchange, scrapeGauge } from './hub-metrics';

const valueOf = async (name: string, labels: Record<string, string>) => {
  const metric = await hubRegistry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))?.value ?? 0;
};

describe('recordVendorExchange', () => {
  it('labels an exchange by status class, 429 on its own, or why no answer came; errors are counted apart', async () => {
    const element = `el-${Math.random().toString(36).slice(2)}`;
    recordVendorExchange(element, { status: 200, durationMs: 120 });
    recordVendorExchange(element, { status: 201, durationMs: 80 });
    recordVendorExchange(element, { status: 404, durationMs: 30 });
    recordVendorExchange(element, { status: 429, durationMs: 10 });
    recordVendorExchange(element, { status: 503, durationMs: 10 });
    recordVendorExchange(element, { durationMs: 15_000, failure: 'timeout' });
    recordVendorExchange(element, { durationMs: 5 });
    expect(await valueOf('hub_vendor_call_duration_seconds', { element, outcome: '2xx', le: '0.25' })).toBe(2);
    expect(await valueOf('hub_vendor_call_duration_seconds', { element, outcome: '2xx', le: '0.1' })).toBe(1);
    expect(await valueOf('hub_vendor_call_duration_seconds', { element, outcome: '4xx', le: '+Inf' })).toBe(1);
    expect(await valueOf('hub_vendor_call_errors_total', { element, outcome: '4xx' })).toBe(0);
    expect(await valueOf('hub_vendor_call_errors_total', { element, outcome: '429' })).toBe(1);
    expect(await valueOf('hub_vendor_call_errors_total', { element, outcome: '5xx' })).toBe(1);
    expect(await valueOf('hub_vendor_call_errors_total', { element, outcome: 'timeout' })).toBe(1);
    expect(await valueOf('hub_vendor_call_errors_total', { element, outcome: 'unreachable' })).toBe(1);
  });
});

describe('methodLabel', () => {
  it('keeps the HTTP methods and folds anything else into other', () => {
    expect(['get', 'POST', 'Patch'].map(methodLabel)).toEqual(['GET', 'POST', 'PATCH']);
    expect(methodLabel('PROPFIND')).toBe('other');
  });
});

describe('scrapeGauge', () => {
  it('reads its values at scrape time, replaces an earlier gauge of the same name, and leaves them out when the read fails', async () => {
    let backlog = 3;
    scrapeGauge('hub_test_gauge', 'a test gauge', ['status'], () => [{ labels: { status: 'retry' }, value: 99 }]);
    scrapeGauge('hub_test_gauge', 'a test gauge', ['status'], () => [{ labels: { status: 'retry' }, value: backlog }]);
    expect(await hubRegistry.metrics()).toContain('hub_test_gauge{status="retry"} 3');
    backlog = 5;
    expect(await hubRegistry.metrics()).toContain('hub_test_gauge{status="retry"} 5');
    scrapeGauge('hub_test_gauge', 'a test gauge', ['status'], () => Promise.reject(new Error('database away')));
    const text = await hubRegistry.metrics();
    expect(text).toContain('# TYPE hub_test_gauge gauge');
    expect(text).not.toContain('hub_test_gauge{');
    expect(text).toContain('hub_calls_total'); // the rest of the scrape still answers
    hubRegistry.removeSingleMetric('hub_test_gauge');
  });
});
