/**
 * The hub's common objects and how an element maps its vendor resources onto them. The shapes are
 * the old platform's transformation bodies; the mapping engine is libs/transformations, the
 * organization's and instance's own mappings live in the store. An element declares its mappings
 * next to its resources, so that whoever adds a resource sees what it must map.
 */
import type { ResourceDescriptor } from './resources';

/** The types of a common object's fields; structure is expressed by paths (`media[*].url`). */
export const FIELD_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface ObjectField {
  readonly path: string;
  readonly type: FieldType;
  readonly description?: string;
}

/** A common object: `{"fields": [{"path": "from", "type": "string"}, …]}`. */
export interface ObjectDefinition {
  readonly fields: readonly ObjectField[];
}

/** A value of a common field, as a vendor value maps to it. */
export type CommonValue = string | number | boolean;

export interface TransformationField {
  /** The common object's path. */
  readonly path: string;
  /** Where it sits in the vendor's record (for writes: the vendor's record field or write parameter). */
  readonly vendorPath: string;
  /** The common type the value is converted to (default: the object definition's, else left as it is). */
  readonly type?: FieldType;
  /**
   * Vendor values → common values (`{"outbound-api": "outbound"}`). A vendor value not listed is
   * kept as it is. Filters on the field are rewritten to every vendor value that maps to the value.
   */
  readonly values?: Readonly<Record<string, CommonValue>>;
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

/** The normalized message statuses, the same on every messaging element. */
export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'received', 'canceled'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The messaging hub's common `messages` object. */
export const MESSAGES_OBJECT: ObjectDefinition = {
  fields: [
    { path: 'id', type: 'string', description: "The vendor's id of the message" },
    { path: 'from', type: 'string', description: 'The sender (E.164 number, sender id or channel address)' },
    { path: 'to', type: 'string', description: 'The recipient' },
    { path: 'body', type: 'string', description: 'The text' },
    { path: 'status', type: 'string', description: `One of ${MESSAGE_STATUSES.join(', ')}` },
    { path: 'direction', type: 'string', description: 'inbound or outbound' },
    { path: 'createdDate', type: 'date', description: 'ISO 8601' },
    { path: 'sentDate', type: 'date', description: 'ISO 8601' },
    { path: 'updatedDate', type: 'date', description: 'ISO 8601' },
    { path: 'errorCode', type: 'number', description: "The vendor's error code when the message failed" },
    { path: 'errorMessage', type: 'string' },
    { path: 'segments', type: 'number', description: 'How many segments (SMS parts) the message took' },
    { path: 'mediaCount', type: 'number', description: 'How many media files the message carries' },
    { path: 'media[*].url', type: 'string', description: 'Media to send with the message (MMS); a write-only field where the vendor lists media separately' },
  ],
};

/**
 * The common objects the hub ships. An organization opts in per element: an empty POST of the
 * element's transformation of the object stores the element's own mapping (and defines the object
 * as shipped if the organization has not). Vendor-native calls stay as they are until then.
 */
export const SHIPPED_OBJECTS: Readonly<Record<string, ObjectDefinition | undefined>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, ObjectDefinition>, { messages: MESSAGES_OBJECT }),
);

/** The fields of `messages` every messaging element must map (the conformance kit checks it). */
export const REQUIRED_MESSAGE_FIELDS = ['id', 'from', 'to', 'body', 'status', 'direction', 'createdDate'] as const;

/** What an element declares about common objects, next to its resources. */
export interface ElementTransformations {
  /** How the element's resources map onto the hub's shipped common objects (SHIPPED_OBJECTS), by object name. */
  readonly common?: Readonly<Record<string, Transformation>>;
  /**
   * Mappings that apply to every instance of the element until its organization defines the
   * object or maps it itself: the old platform's element defaults (twiliov2's `id` ← `sid`).
   * They should pass the vendor's other fields through, so vendor-native clients lose nothing.
   */
  readonly defaults?: Readonly<Record<string, Transformation>>;
}

/** The top-level field a path starts at (`media[*].url` → `media`). */
export const rootField = (path: string): string => path.split('.')[0].replace(/\[\*\]$/, '');

const normalizedName = (name: string) => name.replace(/_/g, '').toLowerCase();

/**
 * Where a vendorPath may point on a resource: a declared record field, or (for writes) one of its
 * create/update parameters spelt as a record field (`media_url` for Twilio's `MediaUrl`).
 * Undefined when the resource declares no model.
 */
export function vendorFieldNames(resource: ResourceDescriptor): ReadonlySet<string> | undefined {
  if (resource.fields.length === 0) return undefined;
  const names = new Set(resource.fields.map((f) => rootField(f.path)));
  for (const p of [...(resource.parameters.create ?? []), ...(resource.parameters.update ?? [])]) names.add(normalizedName(p.name));
  return names;
}

/** Whether a vendorPath starts at one of vendorFieldNames (a write parameter matches ignoring case and _). */
export const declaresVendorPath = (names: ReadonlySet<string>, vendorPath: string): boolean => names.has(rootField(vendorPath)) || names.has(normalizedName(rootField(vendorPath)));

/**
 * What is wrong with a mapping an element declares (empty when nothing): its vendorName must be a
 * resource, its vendorPaths fields of that resource, and a shipped object's paths its fields.
 */
export function elementTransformationProblems(
  resources: readonly ResourceDescriptor[],
  objectName: string,
  t: Transformation,
  shipped?: ObjectDefinition,
): string[] {
  const at = `transformation of '${objectName}'`;
  const resource = resources.find((r) => r.name === t.vendorName);
  if (!resource) return [`${at}: vendorName '${t.vendorName}' is not a resource (resources: ${resources.map((r) => r.name).join(', ')})`];
  const problems: string[] = [];
  const names = vendorFieldNames(resource);
  const commonPaths = shipped ? new Set(shipped.fields.map((f) => f.path)) : undefined;
  for (const f of t.fields) {
    if (names && !declaresVendorPath(names, f.vendorPath)) problems.push(`${at}: vendorPath '${f.vendorPath}' is not a field of ${t.vendorName}`);
    if (commonPaths && !commonPaths.has(f.path)) problems.push(`${at}: path '${f.path}' is not a field of the common '${objectName}'`);
  }
  return problems;
}

/**
 * What keeps a messaging element's mapping of the common `messages` from being complete (empty when
 * nothing): it must be declared, map every REQUIRED_MESSAGE_FIELDS path, only common fields, and
 * `id` from its resource's idField. The conformance kit requires it empty.
 */
export function commonMessagesProblems(element: { readonly resources: readonly ResourceDescriptor[]; readonly transformations: Required<ElementTransformations> }): string[] {
  const mapping = element.transformations.common['messages'];
  if (!mapping) return ['transformations.common.messages is missing: declare how your messages resource maps onto MESSAGES_OBJECT'];
  const mapped = new Set(mapping.fields.map((f) => f.path));
  const known = new Set(MESSAGES_OBJECT.fields.map((f) => f.path));
  const problems = [
    ...REQUIRED_MESSAGE_FIELDS.filter((p) => !mapped.has(p)).map((p) => `'${p}' is not mapped (required)`),
    ...[...mapped].filter((p) => !known.has(p)).map((p) => `'${p}' is not a field of the common messages`),
  ];
  const resource = element.resources.find((r) => r.name === mapping.vendorName);
  const id = mapping.fields.find((f) => f.path === 'id');
  if (resource && id && id.vendorPath !== resource.idField) problems.push(`'id' maps from '${id.vendorPath}', not the resource's idField '${resource.idField}'`);
  return problems;
}
