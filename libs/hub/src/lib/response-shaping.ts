/**
 * filter.response.nulls: null fields are removed, recursively, from objects and the objects in lists.
 * A value without a null field anywhere is returned as it is (no copy): most vendor records have a few
 * nulls at the top and none below, so only the objects that hold one are copied.
 */
export function withoutNulls<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const stripped = withoutNulls(item);
      if (stripped !== item && !out) out = value.slice(0, i);
      if (out) out.push(stripped);
    }
    return (out ?? value) as T;
  }
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const field = record[key];
    const stripped = field === null ? null : withoutNulls(field);
    if (!out && (field === null || stripped !== field)) {
      out = {};
      for (let j = 0; j < i; j++) define(out, keys[j], record[keys[j]]);
    }
    if (out && stripped !== null) define(out, key, stripped);
  }
  return (out ?? value) as T;
}

/** Own, enumerable, writable: a vendor field named __proto__ stays a field. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
