/** filter.response.nulls: null fields are removed, recursively, from objects and the objects in lists. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutNulls(item)) as T;
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties: a vendor field named __proto__ stays a field.
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, field]) => field !== null)
        .map(([key, field]) => [key, withoutNulls(field)]),
    ) as T;
  }
  return value;
}
