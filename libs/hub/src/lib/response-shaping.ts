/** filter.response.nulls: null fields are removed, recursively, from objects and the objects in lists. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutNulls(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      if (field !== null) out[key] = withoutNulls(field);
    }
    return out as T;
  }
  return value;
}
