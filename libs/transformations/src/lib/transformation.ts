import { BadRequestError, type CeqlExpression } from '@hub/element-sdk';
import { eachCount, parsePath, type PathSegment, readPath, rootOf, writePath } from './paths';

/** The types of a common object's fields; structure is expressed by paths (`media[*].url`). */
export const FIELD_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface ObjectField {
  readonly path: string;
  readonly type: FieldType;
}

/** A common object: `{"fields": [{"path": "from", "type": "string"}, …]}`. */
export interface ObjectDefinition {
  readonly fields: readonly ObjectField[];
}

export interface TransformationField {
  /** The common object's path. */
  readonly path: string;
  /** Where it sits in the vendor's record. */
  readonly vendorPath: string;
  /** The common type the value is converted to (default: the object definition's, else left as it is). */
  readonly type?: FieldType;
}

export type TransformationSetting =
  | { readonly type: 'passThrough'; readonly properties: { readonly fromVendor?: boolean; readonly toVendor?: boolean } }
  | { readonly type: 'addToDocumentation' };

/** How a vendor resource maps onto a common object (the old platform's body). */
export interface Transformation {
  readonly vendorName: string;
  readonly fields: readonly TransformationField[];
  readonly configuration?: readonly TransformationSetting[];
}

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
  /** The vendor record's top-level fields, where the adapter declares its model. */
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
      if (context.vendorFields && !context.vendorFields.has(rootOf(vendorPath))) {
        problems.push(`${at}.vendorPath '${v}' is not a field of the vendor's ${String(vendorName)} (fields: ${[...context.vendorFields].join(', ')})`);
      }
    }
    return { path: String(raw['path']), vendorPath: String(raw['vendorPath']), ...(type !== undefined ? { type: type as FieldType } : {}) };
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
}

function compile(t: Transformation, definition?: ObjectDefinition): CompiledField[] {
  const types = new Map((definition?.fields ?? []).map((f) => [f.path, f.type]));
  return t.fields.flatMap((field) => {
    const path = parsePath(field.path);
    const vendorPath = parsePath(field.vendorPath);
    if (typeof path === 'string' || typeof vendorPath === 'string') return []; // validated when stored
    return [{ field, path, vendorPath, type: field.type ?? types.get(field.path) }];
  });
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
  for (const c of compiled) {
    for (const { indices, value } of readPath(record, c.vendorPath)) writePath(out, c.path, indices, toCommonValue(value, c.type));
  }
  if (passThrough(t).fromVendor) copyRest(record, out, new Set(compiled.map((c) => rootOf(c.vendorPath))));
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
  for (const c of compiled) {
    for (const { indices, value } of readPath(body, c.path)) writePath(out, c.vendorPath, indices, value);
  }
  const consumed = new Set(compiled.map((c) => rootOf(c.path)));
  const unmapped = Object.keys(body).filter((k) => !consumed.has(k));
  if (unmapped.length > 0) {
    if (!passThrough(t).toVendor) {
      throw new BadRequestError(`${unmapped.map((k) => `'${k}'`).join(', ')} ${unmapped.length === 1 ? 'is' : 'are'} not a field of this object (mapped: ${[...consumed].join(', ')})`);
    }
    copyRest(body, out, consumed);
  }
  return { ...out };
}

/**
 * A `where` on common fields as the vendor resource's CEQL: each field replaced by what
 * `vendorFieldOf` answers for its vendorPath (the resource's query field on that record path).
 * A field that is not mapped, or whose vendor field cannot be queried, is a 400 naming it.
 */
export function rewriteWhere(
  expression: CeqlExpression,
  t: Transformation,
  vendorFieldOf: (vendorPath: string) => string | undefined,
): CeqlExpression {
  const byPath = new Map(t.fields.map((f) => [f.path, f.vendorPath]));
  const field = (name: string): string => {
    const vendorPath = byPath.get(name);
    if (vendorPath === undefined) throw new BadRequestError(`where: '${name}' is not a field of this object (fields: ${[...byPath.keys()].join(', ')})`);
    const vendorField = vendorFieldOf(vendorPath);
    if (vendorField === undefined) throw new BadRequestError(`where: '${name}' cannot be queried on ${t.vendorName} (its vendor field ${vendorPath} is not queryable)`);
    return vendorField;
  };
  const walk = (e: CeqlExpression): CeqlExpression => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { kind: e.kind, operands: e.operands.map(walk) };
      default:
        return { ...e, field: field(e.field) };
    }
  };
  return walk(expression);
}

/** `orderBy` on common fields (`createdDate desc, to`) as vendor fields; a field that is not mapped is a 400. */
export function rewriteOrderBy(orderBy: string, t: Transformation, vendorFieldOf: (vendorPath: string) => string | undefined): string {
  const byPath = new Map(t.fields.map((f) => [f.path, f.vendorPath]));
  return orderBy
    .split(',')
    .map((part) => {
      const [name, direction, ...rest] = part.trim().split(/\s+/);
      if (!name || rest.length > 0 || (direction !== undefined && !/^(asc|desc)$/i.test(direction))) {
        throw new BadRequestError(`orderBy: '${part.trim()}' must be a field, optionally followed by asc or desc`);
      }
      const vendorPath = byPath.get(name);
      const vendorField = vendorPath === undefined ? undefined : vendorFieldOf(vendorPath);
      if (vendorField === undefined) throw new BadRequestError(`orderBy: '${name}' is not a field of this object that ${t.vendorName} can order by`);
      return direction ? `${vendorField} ${direction}` : vendorField;
    })
    .join(', ');
}
