import {
  BadRequestError,
  type CeqlExpression,
  declaresVendorPath,
  type CeqlValue,
  type CommonValue,
  FIELD_TYPES,
  type FieldType,
  type ObjectDefinition,
  type ObjectField,
  type Transformation,
  type TransformationField,
  type TransformationSetting,
} from '@hub/element-sdk';
import { eachCount, parsePath, type PathSegment, readPath, rootOf, writePath } from './paths';

/** The shapes (ObjectDefinition, Transformation, …) are element-sdk's, where adapters declare their mappings. */

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function refuse(subject: string, problems: readonly string[]): never {
  throw new BadRequestError(`${subject} is invalid: ${problems.join('; ')}`);
}

/** Checks a definition body; throws a 400 naming each bad field. */
export function validateDefinition(input: unknown, objectName: string): ObjectDefinition {
  const problems: string[] = [];
  if (!isObject(input) || !Array.isArray(input['fields'])) refuse(`the definition of '${objectName}'`, ['send {"fields": [{"path": "from", "type": "string"}, …]}']);
  const seen = new Set<string>();
  const fields = (input['fields'] as unknown[]).map((raw, i): ObjectField => {
    const at = `fields[${i}]`;
    if (!isObject(raw)) {
      problems.push(`${at} must be an object with path and type`);
      return { path: '', type: 'string' };
    }
    const path = parsePath(raw['path']);
    if (typeof path === 'string') problems.push(`${at}.path ${path}`);
    else if (seen.has(raw['path'] as string)) problems.push(`${at}.path '${String(raw['path'])}' is defined twice`);
    else seen.add(raw['path'] as string);
    if (!(FIELD_TYPES as readonly unknown[]).includes(raw['type'])) {
      problems.push(`${at}.type must be one of ${FIELD_TYPES.join(', ')} (got ${JSON.stringify(raw['type'] ?? null)})`);
    }
    return { path: String(raw['path']), type: raw['type'] as FieldType };
  });
  if (fields.length === 0) problems.push('fields must name at least one field');
  if (problems.length > 0) refuse(`the definition of '${objectName}'`, problems);
  return { fields };
}

export interface TransformationContext {
  /** The common object's definition, when there is one: mapped paths must be its fields. */
  readonly definition?: ObjectDefinition;
  /** The vendor record's top-level fields and write parameters, where the adapter declares its model (vendorFieldNames). */
  readonly vendorFields?: ReadonlySet<string>;
}

/** Checks a transformation body against the object and the vendor model; throws a 400 naming each bad field. */
export function validateTransformation(input: unknown, objectName: string, context: TransformationContext = {}): Transformation {
  const subject = `the transformation of '${objectName}'`;
  if (!isObject(input)) refuse(subject, ['send {"vendorName": "messages", "fields": [{"path": "id", "vendorPath": "sid"}, …]}']);
  const problems: string[] = [];
  const vendorName = input['vendorName'];
  if (typeof vendorName !== 'string' || vendorName.trim() === '') problems.push('vendorName must name the vendor resource (e.g. messages)');
  if (!Array.isArray(input['fields'])) refuse(subject, [...problems, 'fields must be a list of {path, vendorPath, type}']);
  const defined = new Map((context.definition?.fields ?? []).map((f) => [f.path, f.type]));
  const paths = new Set<string>();
  const vendorPaths = new Map<string, string>();
  const fields = (input['fields'] as unknown[]).map((raw, i): TransformationField => {
    const at = `fields[${i}]`;
    if (!isObject(raw)) {
      problems.push(`${at} must be an object with path and vendorPath`);
      return { path: '', vendorPath: '' };
    }
    const path = parsePath(raw['path']);
    const vendorPath = parsePath(raw['vendorPath']);
    if (typeof path === 'string') problems.push(`${at}.path ${path}`);
    if (typeof vendorPath === 'string') problems.push(`${at}.vendorPath ${vendorPath}`);
    const type = raw['type'];
    if (type !== undefined && !(FIELD_TYPES as readonly unknown[]).includes(type)) {
      problems.push(`${at}.type must be one of ${FIELD_TYPES.join(', ')} (got ${JSON.stringify(type)})`);
    }
    if (typeof path !== 'string' && typeof vendorPath !== 'string') {
      const p = raw['path'] as string;
      const v = raw['vendorPath'] as string;
      if (eachCount(path) !== eachCount(vendorPath)) problems.push(`${at}: path '${p}' and vendorPath '${v}' must have as many [*] as each other`);
      if (paths.has(p)) problems.push(`${at}.path '${p}' is mapped twice`);
      paths.add(p);
      const other = vendorPaths.get(v);
      if (other !== undefined) problems.push(`${at}.vendorPath '${v}' is already mapped from '${other}': a write could not tell which to send`);
      vendorPaths.set(v, p);
      if (context.definition && !defined.has(p)) problems.push(`${at}.path '${p}' is not a field of '${objectName}' (fields: ${[...defined.keys()].join(', ')})`);
      if (context.vendorFields && !declaresVendorPath(context.vendorFields, v)) {
        problems.push(`${at}.vendorPath '${v}' is not a field of the vendor's ${String(vendorName)} (fields: ${[...context.vendorFields].join(', ')})`);
      }
    }
    const values = raw['values'];
    if (values !== undefined) {
      if (!isObject(values) || Object.keys(values).length === 0) problems.push(`${at}.values must map vendor values to common values ({"outbound-api": "outbound"})`);
      else {
        for (const [vendorValue, commonValue] of Object.entries(values)) {
          if (!['string', 'number', 'boolean'].includes(typeof commonValue)) problems.push(`${at}.values.${vendorValue} must be a string, number or boolean`);
        }
      }
    }
    return {
      path: String(raw['path']),
      vendorPath: String(raw['vendorPath']),
      ...(type !== undefined ? { type: type as FieldType } : {}),
      ...(isObject(values) ? { values: values as Record<string, CommonValue> } : {}),
    };
  });
  const configuration = input['configuration'] === undefined ? [] : input['configuration'];
  const settings: TransformationSetting[] = [];
  if (!Array.isArray(configuration)) problems.push('configuration must be a list of {"type": "passThrough" | "addToDocumentation", …}');
  else {
    configuration.forEach((raw: unknown, i: number) => {
      const at = `configuration[${i}]`;
      if (!isObject(raw)) return void problems.push(`${at} must be an object with a type`);
      if (raw['type'] === 'addToDocumentation') return void settings.push({ type: 'addToDocumentation' });
      if (raw['type'] !== 'passThrough') return void problems.push(`${at}.type must be passThrough or addToDocumentation (got ${JSON.stringify(raw['type'] ?? null)})`);
      const properties = raw['properties'] ?? {};
      if (!isObject(properties)) return void problems.push(`${at}.properties must be an object`);
      for (const key of Object.keys(properties)) {
        if (key !== 'fromVendor' && key !== 'toVendor') problems.push(`${at}.properties.${key} is not a passThrough property (fromVendor, toVendor)`);
        else if (typeof properties[key] !== 'boolean') problems.push(`${at}.properties.${key} must be true or false`);
      }
      settings.push({ type: 'passThrough', properties: { fromVendor: properties['fromVendor'] === true, toVendor: properties['toVendor'] === true } });
    });
  }
  if (problems.length > 0) refuse(subject, problems);
  return { vendorName: String(vendorName), fields, configuration: settings };
}

/** The instance's transformation over the organization's: field by field (by path), settings by type. */
export function mergeTransformations(base: Transformation | undefined, override: Transformation | undefined): Transformation | undefined {
  if (!base || !override) return override ?? base;
  const fields = new Map(base.fields.map((f) => [f.path, f]));
  for (const f of override.fields) fields.set(f.path, f);
  const settings = new Map((base.configuration ?? []).map((s) => [s.type, s]));
  for (const s of override.configuration ?? []) settings.set(s.type, s);
  return { vendorName: override.vendorName, fields: [...fields.values()], configuration: [...settings.values()] };
}

const passThrough = (t: Transformation) => {
  const setting = t.configuration?.find((s) => s.type === 'passThrough');
  return setting?.type === 'passThrough' ? setting.properties : {};
};

export const addsToDocumentation = (t: Transformation): boolean => (t.configuration ?? []).some((s) => s.type === 'addToDocumentation');

/** A vendor value as the common type says; what cannot be converted stays as it was (nothing is lost). */
export function toCommonValue(value: unknown, type: FieldType | undefined): unknown {
  if (value === null || value === undefined || type === undefined) return value;
  switch (type) {
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'number':
      if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
      return value;
    case 'boolean':
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      return value;
    case 'date': {
      const ms = typeof value === 'number' ? (value < 1e11 ? value * 1000 : value) : typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : value;
    }
  }
}

interface CompiledField {
  readonly field: TransformationField;
  readonly path: PathSegment[];
  readonly vendorPath: PathSegment[];
  readonly type: FieldType | undefined;
  /** Both paths one key (`to` ← `To`): read and written directly, the common case on the hot path. */
  readonly keys?: { readonly vendor: string; readonly common: string };
}

/** A vendor value through the field's value map: listed values become their common value, others stay. */
function fromVendorValue(value: unknown, values: TransformationField['values']): unknown {
  if (!values || value === null || value === undefined || typeof value === 'object') return value;
  const key = String(value);
  return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : value;
}

/** The vendor values that map to a common value: itself when the vendor has it, else those listed for it. */
export function vendorValuesOf(value: CeqlValue, values: TransformationField['values']): CeqlValue[] {
  if (!values) return [value];
  const listed = Object.entries(values).filter(([, common]) => common === value).map(([vendor]) => vendor);
  const keptAsIs = !Object.prototype.hasOwnProperty.call(values, String(value));
  return keptAsIs ? [value, ...listed.filter((v) => v !== String(value))] : listed.length > 0 ? listed : [value];
}

/**
 * A common value for a write. Vendor values are strings (the map's keys): a string is written as it
 * is spelt unless it is only a listed vendor value's translation; a number or boolean becomes the
 * one vendor value listed for it. Anything ambiguous is written as it is.
 */
function toVendorValue(value: unknown, values: TransformationField['values']): unknown {
  if (!values || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')) return value;
  const listed = Object.entries(values).filter(([, common]) => common === value).map(([vendor]) => vendor);
  if (typeof value !== 'string') return listed.length === 1 ? listed[0] : value;
  const candidates = vendorValuesOf(value, values);
  return candidates.length === 1 ? candidates[0] : value;
}

interface Compiled {
  readonly fields: readonly CompiledField[];
  /** The top-level vendor fields the mapping reads (what passThrough.fromVendor leaves out). */
  readonly vendorRoots: ReadonlySet<string>;
  /** The top-level common fields the mapping reads (what toVendor consumes). */
  readonly roots: ReadonlySet<string>;
  /** The transformation's passThrough setting. */
  readonly passThrough: { readonly fromVendor?: boolean; readonly toVendor?: boolean };
}

/**
 * Parsed paths per transformation and definition, kept as long as the objects are: the caches hand
 * the same transformation to every call until it changes, so a call parses nothing.
 */
const compiledCache = new WeakMap<Transformation, WeakMap<ObjectDefinition | typeof NO_DEFINITION, Compiled>>();
const NO_DEFINITION = Object.freeze({ fields: [] }) as unknown as ObjectDefinition;

function compile(t: Transformation, definition?: ObjectDefinition): Compiled {
  let byDefinition = compiledCache.get(t);
  if (!byDefinition) compiledCache.set(t, (byDefinition = new WeakMap()));
  const key = definition ?? NO_DEFINITION;
  let compiled = byDefinition.get(key);
  if (!compiled) {
    const types = new Map((definition?.fields ?? []).map((f) => [f.path, f.type]));
    const fields = t.fields.flatMap((field) => {
      const path = parsePath(field.path);
      const vendorPath = parsePath(field.vendorPath);
      if (typeof path === 'string' || typeof vendorPath === 'string') return []; // validated when stored
      const keys = path.length === 1 && vendorPath.length === 1 && path[0].kind === 'key' && vendorPath[0].kind === 'key' ? { vendor: vendorPath[0].name, common: path[0].name } : undefined;
      return [{ field, path, vendorPath, type: field.type ?? types.get(field.path), keys }];
    });
    compiled = { fields, vendorRoots: new Set(fields.map((c) => rootOf(c.vendorPath))), roots: new Set(fields.map((c) => rootOf(c.path))), passThrough: passThrough(t) };
    byDefinition.set(key, compiled);
  }
  return compiled;
}

function copyRest(source: Record<string, unknown>, target: Record<string, unknown>, consumed: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(source)) {
    if (!consumed.has(key) && !(key in target)) target[key] = value;
  }
}

/**
 * A vendor record in the common shape: each mapped field read at its vendorPath, converted to its
 * type, written at its path. With passThrough.fromVendor, the vendor's top-level fields no mapping
 * reads are kept as they are.
 */
export function toCommon(record: unknown, t: Transformation, definition?: ObjectDefinition): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  if (!isObject(record)) return out;
  const compiled = compile(t, definition);
  for (const c of compiled.fields) {
    if (c.keys) {
      // readPath and writePath for one key: an own property, not undefined.
      const value = Object.prototype.hasOwnProperty.call(record, c.keys.vendor) ? record[c.keys.vendor] : undefined;
      if (value !== undefined) out[c.keys.common] = toCommonValue(fromVendorValue(value, c.field.values), c.type);
      continue;
    }
    for (const { indices, value } of readPath(record, c.vendorPath)) {
      writePath(out, c.path, indices, toCommonValue(fromVendorValue(value, c.field.values), c.type));
    }
  }
  if (compiled.passThrough.fromVendor) copyRest(record, out, compiled.vendorRoots);
  return { ...out };
}

/**
 * A request body in the vendor's shape: each mapped field read at its path, written at its
 * vendorPath. With passThrough.toVendor, the body's top-level fields no mapping reads are sent as
 * they are; without it they are refused (400 naming them), never silently dropped.
 */
export function toVendor(body: unknown, t: Transformation, definition?: ObjectDefinition): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  if (!isObject(body)) return out;
  const compiled = compile(t, definition);
  for (const c of compiled.fields) {
    for (const { indices, value } of readPath(body, c.path)) writePath(out, c.vendorPath, indices, toVendorValue(value, c.field.values));
  }
  const consumed = compiled.roots;
  const unmapped = Object.keys(body).filter((k) => !consumed.has(k));
  if (unmapped.length > 0) {
    if (!compiled.passThrough.toVendor) {
      throw new BadRequestError(`${unmapped.map((k) => `'${k}'`).join(', ')} ${unmapped.length === 1 ? 'is' : 'are'} not a field of this object (mapped: ${[...consumed].join(', ')})`);
    }
    copyRest(body, out, consumed);
  }
  return { ...out };
}

/**
 * A `where` on common fields as the vendor resource's CEQL: each field replaced by what
 * `vendorFieldOf` answers for its vendorPath (the resource's query field on that record path), and
 * each value of a field with a value map by the vendor values that map to it (`status = 'queued'`
 * → `status in ('queued', 'accepted', 'scheduled')`). A name that is not a common field but is one
 * of the vendor's own query fields (`vendorQueryFields`, e.g. a poller's `DateSent`) is kept, as
 * is every unmapped name with passThrough.toVendor (the vendor's resource then checks it).
 * Anything else — an unmapped field, a vendor field that cannot be queried, a pattern or range on
 * translated values — is a 400 naming it.
 */
export function rewriteWhere(
  expression: CeqlExpression,
  t: Transformation,
  vendorFieldOf: (vendorPath: string) => string | undefined,
  vendorQueryFields: ReadonlySet<string> = new Set(),
): CeqlExpression {
  const byPath = new Map(t.fields.map((f) => [f.path, f]));
  const forwardsUnmapped = passThrough(t).toVendor === true;
  const mapped = (name: string): TransformationField | undefined => {
    const f = byPath.get(name);
    if (f === undefined && !forwardsUnmapped && !vendorQueryFields.has(name)) {
      throw new BadRequestError(`where: '${name}' is not a field of this object (fields: ${[...byPath.keys()].join(', ')})`);
    }
    return f;
  };
  const field = (f: TransformationField): string => {
    const vendorField = vendorFieldOf(f.vendorPath);
    if (vendorField === undefined) throw new BadRequestError(`where: '${f.path}' cannot be queried on ${t.vendorName} (its vendor field ${f.vendorPath} is not queryable)`);
    return vendorField;
  };
  const walk = (e: CeqlExpression): CeqlExpression => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { kind: e.kind, operands: e.operands.map(walk) };
      default:
        return leaf(e);
    }
  };
  const leaf = (e: Exclude<CeqlExpression, { kind: 'and' | 'or' }>): CeqlExpression => {
    const f = mapped(e.field);
    if (!f) return e;
    const name = field(f);
    if (!f.values || e.kind === 'isNull') return { ...e, field: name };
    if (e.kind === 'in') return { kind: 'in', field: name, values: [...new Set(e.values.flatMap((v) => vendorValuesOf(v, f.values)))] };
    if (e.kind === 'comparison' && (e.operator === '=' || e.operator === '!=')) {
      const values = vendorValuesOf(e.value, f.values);
      if (values.length === 1) return { ...e, field: name, value: values[0] };
      if (e.operator === '=') return { kind: 'in', field: name, values };
      return { kind: 'and', operands: values.map((value) => ({ kind: 'comparison', field: name, operator: '!=', value })) };
    }
    throw new BadRequestError(`where: '${f.path}' takes =, != and in only (its values are translated from ${t.vendorName}'s)`);
  };
  return walk(expression);
}

/**
 * `orderBy` on common fields (`createdDate desc, to`) as vendor fields; a vendor's own query field
 * (or, with passThrough.toVendor, any unmapped name) is kept as it is; any other field is a 400.
 */
export function rewriteOrderBy(
  orderBy: string,
  t: Transformation,
  vendorFieldOf: (vendorPath: string) => string | undefined,
  vendorQueryFields: ReadonlySet<string> = new Set(),
): string {
  const byPath = new Map(t.fields.map((f) => [f.path, f.vendorPath]));
  return orderBy
    .split(',')
    .map((part) => {
      const [name, direction, ...rest] = part.trim().split(/\s+/);
      if (!name || rest.length > 0 || (direction !== undefined && !/^(asc|desc)$/i.test(direction))) {
        throw new BadRequestError(`orderBy: '${part.trim()}' must be a field, optionally followed by asc or desc`);
      }
      const vendorPath = byPath.get(name);
      const kept = passThrough(t).toVendor === true || vendorQueryFields.has(name);
      const vendorField = vendorPath === undefined ? (kept ? name : undefined) : vendorFieldOf(vendorPath);
      if (vendorField === undefined) throw new BadRequestError(`orderBy: '${name}' is not a field of this object that ${t.vendorName} can order by`);
      return direction ? `${vendorField} ${direction}` : vendorField;
    })
    .join(', ');
}
