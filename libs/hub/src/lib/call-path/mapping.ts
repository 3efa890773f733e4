import { NotFoundError, type ElementDefinition, type ResourceDescriptor, type VendorRecord } from '@hub/element-sdk';
import type { HubCall, ResolvedTransformation } from '@hub/runtime';
import { rewriteOrderBy, rewriteWhere, toCommon, toVendor } from '@hub/transformations';
import { parseCeql, printCeql } from '../ceql/ceql-parser';
import { checkFieldPaths, project } from '../ceql/ceql-plan';
import { singleParameter } from './parameters';

/**
 * A common object's transformation compiled for the call path: the vendor resource it maps onto,
 * vendor query fields by record path, and whether unmapped fields pass through. Compiled once per
 * resolved transformation (the lookup hands out the same object until a change replaces it).
 */
export interface MappedObject {
  readonly mapping: ResolvedTransformation;
  readonly resource: ResourceDescriptor;
  readonly vendorFieldOf: (vendorPath: string) => string | undefined;
  readonly vendorQueryFields: ReadonlySet<string>;
  /** Without passThrough.toVendor the object's own rules stand: what its mapping does not name is refused. */
  readonly refuseUnknown?: string;
}

const compiled = new WeakMap<ResolvedTransformation, WeakMap<ElementDefinition, MappedObject>>();

export function mappedObjectOf(element: ElementDefinition, mapping: ResolvedTransformation): MappedObject {
  let byElement = compiled.get(mapping);
  let object = byElement?.get(element);
  if (object) return object;
  const t = mapping.transformation;
  const resource = element.resources.find((r) => r.name === t.vendorName);
  if (!resource) throw new NotFoundError(`'${mapping.objectName}' maps onto '${t.vendorName}', which element '${element.metadata.key}' does not have`);
  const byRecordPath = new Map<string, string>();
  for (const q of resource.queryFields) if (!byRecordPath.has(q.recordPath)) byRecordPath.set(q.recordPath, q.name);
  const forwardsUnmapped = t.configuration?.some((c) => c.type === 'passThrough' && c.properties.toVendor === true) === true;
  object = {
    mapping,
    resource,
    vendorFieldOf: (vendorPath) => byRecordPath.get(vendorPath),
    vendorQueryFields: new Set(resource.queryFields.map((q) => q.name)),
    refuseUnknown: forwardsUnmapped ? undefined : `'${mapping.objectName}' is a common object whose transformation passes nothing unmapped to the vendor (passThrough.toVendor)`,
  };
  if (!byElement) compiled.set(mapping, (byElement = new WeakMap()));
  byElement.set(element, object);
  return object;
}

/** The inbound half of the map stage: a call on a common object, as the call on its vendor resource. */
export interface MappedRequest {
  readonly call: HubCall;
  /** `fields`: a projection of the common shape, applied after mapping (not sent on). */
  readonly fields?: string[];
  /** The vendor's records are mapped to the common shape (a sub-resource's stay the vendor's). */
  readonly mapsRecords: boolean;
}

export function mapRequest(object: MappedObject, call: HubCall): MappedRequest {
  const { transformation: t, definition } = object.mapping;
  const query: Record<string, string | string[] | undefined> = { ...call.query };
  const where = singleParameter(query, 'where');
  if (where !== undefined) query['where'] = printCeql(rewriteWhere(parseCeql(where), t, object.vendorFieldOf, object.vendorQueryFields));
  const orderBy = singleParameter(query, 'orderBy');
  if (orderBy !== undefined) query['orderBy'] = rewriteOrderBy(orderBy, t, object.vendorFieldOf, object.vendorQueryFields);
  const fieldsText = singleParameter(query, 'fields');
  delete query['fields'];
  const fields = fieldsText?.split(',').map((f) => f.trim()).filter(Boolean);
  if (fields) checkFieldPaths(fields);
  const method = call.method.toUpperCase();
  const writes = method === 'POST' || method === 'PUT' || method === 'PATCH';
  const operation = call.segments.length > 1 ? 'update' : 'create';
  // A body that is not a JSON object goes on as it is, for the resource to refuse in its own words.
  const mapsBody = writes && call.body !== null && typeof call.body === 'object' && !Array.isArray(call.body);
  const body = mapsBody ? toWriteParameters(toVendor(call.body, t, definition), object.resource.parameters[operation] ?? []) : call.body;
  return {
    call: { ...call, segments: [t.vendorName, ...call.segments.slice(1)], query, body },
    fields,
    mapsRecords: call.segments.length <= 2,
  };
}

/** The outbound half of the map stage: a vendor record in the common shape (then `fields` of it). */
export function recordMapper(object: MappedObject, fields: readonly string[] | undefined): (record: VendorRecord) => VendorRecord {
  const { transformation: t, definition } = object.mapping;
  return (record) => {
    const common = toCommon(record, t, definition) as VendorRecord;
    return fields ? project(common, fields) : common;
  };
}

/**
 * A mapped body names vendor *record* fields (Twilio's `to`, `messaging_service_sid`); the vendor's
 * write parameters may spell them otherwise (`To`, `MessagingServiceSid`). A field that is not a
 * parameter as it is goes to the parameter of the same name ignoring case and underscores.
 */
export function toWriteParameters(body: Record<string, unknown>, parameters: readonly { readonly name: string }[]): Record<string, unknown> {
  const norm = (name: string) => name.replace(/_/g, '').toLowerCase();
  const byNorm = new Map(parameters.map((p) => [norm(p.name), p.name]));
  const exact = new Set(parameters.map((p) => p.name));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) out[exact.has(key) ? key : (byNorm.get(norm(key)) ?? key)] = value;
  return out;
}
