/**
 * Variable references in step and trigger properties (shared/reference/formulas.md §3.7):
 * `${config.<key>}`, `${steps.<step>.<path>}`, `${trigger.<path>}`, `${info.<field>}`, and the
 * legacy forms the old platform's formulas still carry: `${<configKey>}` (a bare configuration key),
 * `${<step>.<path>}` (a bare step reference) and, in a loop's `list` only, a reference with no `${}`.
 *
 * A property that is exactly one reference takes the referenced value as it is (an object stays an
 * object); references inside text are interpolated (objects as compact JSON, a missing value as '').
 */

export interface ReferenceScope {
  /** The formula instance's configuration (overlaid, in a sub-formula), by key; keys may contain dots. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Step name → that step's output, for the steps that have run. */
  readonly steps: Readonly<Record<string, unknown>>;
  readonly trigger: unknown;
  readonly info: Readonly<Record<string, unknown>>;
}

const WHOLE = /^\$\{([^{}]+)\}$/;
const INSIDE = /\$\{([^{}]+)\}/g;

/** Splits a path such as `body[0].id` or `a['b-c'].d` into its segments. */
export function pathSegments(path: string): string[] {
  const segments: string[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\[['"]([^'"]*)['"]\]/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(path)) !== null) segments.push(match[1] ?? match[2] ?? match[3] ?? '');
  return segments;
}

/** The value at `segments` below `value`, or undefined. */
export function valueAtPath(value: unknown, segments: readonly string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (current === null || current === undefined) return undefined;
    if (typeof current === 'string' && /^[[{]/.test(current.trim())) {
      // A step value that is JSON text (a request body read as text) can still be looked into.
      try {
        current = JSON.parse(current);
      } catch {
        return undefined;
      }
    }
    if (typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The longest configuration key that `path` starts with (keys may contain dots), and the rest of the path. */
function splitConfigKey(config: Readonly<Record<string, unknown>>, path: string): { key: string; rest: string } | undefined {
  let best: string | undefined;
  for (const key of Object.keys(config)) {
    if (path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`)) {
      if (best === undefined || key.length > best.length) best = key;
    }
  }
  if (best === undefined) return undefined;
  return { key: best, rest: path.slice(best.length).replace(/^\./, '') };
}

/**
 * The value a reference expression (what sits between `${` and `}`) names; undefined when it names
 * nothing that exists.
 */
export function lookupReference(expression: string, scope: ReferenceScope): unknown {
  const expr = expression.trim();
  const head = /^([A-Za-z_$][\w$]*)(.*)$/.exec(expr);
  const root = head?.[1];
  if (root === 'config') {
    const split = splitConfigKey(scope.config, expr.slice('config.'.length));
    return split ? valueAtPath(scope.config[split.key], pathSegments(split.rest)) : undefined;
  }
  if (root === 'steps') return valueAtPath(scope.steps, pathSegments(expr.slice('steps'.length)));
  if (root === 'trigger') return valueAtPath(scope.trigger, pathSegments(expr.slice('trigger'.length)));
  if (root === 'info') return valueAtPath(scope.info, pathSegments(expr.slice('info'.length)));
  // Legacy: a bare configuration key, then a bare step reference.
  const configKey = splitConfigKey(scope.config, expr);
  if (configKey) return valueAtPath(scope.config[configKey.key], pathSegments(configKey.rest));
  const segments = pathSegments(expr);
  if (segments.length > 0 && Object.prototype.hasOwnProperty.call(scope.steps, segments[0])) return valueAtPath(scope.steps, segments);
  return undefined;
}

/** A value as text inside interpolated strings: strings as they are, objects as compact JSON, nothing as ''. */
export function interpolatedText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Resolves the references in a string: a whole reference gives the value itself, others are interpolated. */
export function resolveString(text: string, scope: ReferenceScope): unknown {
  const whole = WHOLE.exec(text);
  if (whole) return lookupReference(whole[1], scope);
  if (!text.includes('${')) return text;
  return text.replace(INSIDE, (_, expression: string) => interpolatedText(lookupReference(expression, scope)));
}

/** Resolves every string inside a property value (objects and arrays are walked). */
export function resolveValue(value: unknown, scope: ReferenceScope): unknown {
  if (typeof value === 'string') return resolveString(value, scope);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, scope)]));
  }
  return value;
}

/**
 * A loop's `list`: a reference, or (legacy) a path with no `${}` such as `steps.a.ids` or `a.ids`.
 */
export function resolveList(list: unknown, scope: ReferenceScope): unknown {
  if (typeof list !== 'string' || list.includes('${')) return resolveValue(list, scope);
  return lookupReference(list, scope);
}

/** Fills `{placeholder}`s of an api path from the (resolved) `path` object, URL-encoded. */
export function fillPathPlaceholders(api: string, path: unknown): string {
  if (path === null || typeof path !== 'object') return api;
  const values = path as Record<string, unknown>;
  return api.replace(/\{([^{}]+)\}/g, (placeholder, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? encodeURIComponent(interpolatedText(values[name])) : placeholder,
  );
}

/** The configuration keys a trigger or step property names with `${config.<key>}` or the legacy `${<key>}`. */
export function configKeyOf(reference: unknown, keys: readonly string[]): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const whole = WHOLE.exec(reference.trim());
  if (!whole) return undefined;
  const expr = whole[1].trim();
  const path = expr.startsWith('config.') ? expr.slice('config.'.length) : expr;
  return keys.includes(path) ? path : undefined;
}
