import {
  type ElementDefinition,
  type FieldSpec,
  type FieldType,
  type ObjectDefinition,
  type Operation,
  type ParameterSpec,
  type ResourceDescriptor,
  type Transformation,
  rootField,
} from '@hub/element-sdk';

type Json = Record<string, unknown>;

const FIELD_TYPES: Record<FieldSpec['type'], Json> = {
  string: { type: 'string' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', description: 'date' },
  object: { type: 'object' },
  array: { type: 'array', items: {} },
};

function parameterSchema(p: ParameterSpec): Json {
  const base: Json =
    p.type === 'integer'
      ? { type: 'integer' }
      : p.type === 'boolean'
        ? { type: 'boolean' }
        : p.type === 'string[]'
          ? { type: 'array', items: { type: 'string' } }
          : p.type === 'date'
            ? { type: 'string', format: 'date-time' }
            : p.type === 'url'
              ? { type: 'string', format: 'uri' }
              : { type: 'string' };
  return p.allowedValues ? { ...base, enum: [...p.allowedValues] } : base;
}

function recordSchema(resource: ResourceDescriptor): Json {
  return {
    type: 'object',
    properties: Object.fromEntries(
      resource.fields.map((f) => [f.path, { ...FIELD_TYPES[f.type], ...(f.description ? { description: f.description } : {}) }]),
    ),
  };
}

function bodySchema(params: readonly ParameterSpec[] | undefined): Json {
  const list = params ?? [];
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(list.map((p) => [p.name, { ...parameterSchema(p), description: p.description }])),
    ...(list.some((p) => p.required) ? { required: list.filter((p) => p.required).map((p) => p.name) } : {}),
  };
}

/** A transformed object documented with its common fields (its transformation has addToDocumentation). */
export interface DocumentedObject {
  readonly objectName: string;
  readonly transformation: Transformation;
  readonly definition?: ObjectDefinition;
}

const COMMON_TYPES: Record<FieldType, Json> = { ...FIELD_TYPES, date: { type: 'string', format: 'date-time' } };

interface SchemaField {
  readonly path: string;
  readonly type?: FieldType;
  readonly description?: string;
  readonly required?: boolean;
}

/** A JSON schema of records whose fields are given by paths (`from`, `a.b`, `media[*].url`). */
function pathsSchema(fields: readonly SchemaField[], additionalProperties?: boolean): Json {
  const root: Json = { type: 'object', properties: {}, ...(additionalProperties === false ? { additionalProperties: false } : {}) };
  for (const f of fields) {
    let node = root;
    const parts = f.path.split('.');
    parts.forEach((part, i) => {
      const each = part.endsWith('[*]');
      const name = each ? part.slice(0, -3) : part;
      const properties = (node['properties'] ??= {}) as Record<string, Json>;
      const last = i === parts.length - 1;
      const leaf: Json = { ...(f.type ? COMMON_TYPES[f.type] : {}), ...(f.description ? { description: f.description } : {}) };
      if (last && f.required && !each) node['required'] = [...((node['required'] as string[]) ?? []), name];
      if (each) {
        const array = (properties[name] ??= { type: 'array', items: last ? leaf : { type: 'object', properties: {} } }) as Json;
        node = array['items'] as Json;
      } else if (last) {
        properties[name] = leaf;
      } else {
        node = properties[name] ??= { type: 'object', properties: {} };
      }
    });
  }
  return root;
}

const normalized = (name: string) => name.replace(/_/g, '').toLowerCase();

/** The common object's record and write bodies: its mapped fields, those that land on a write parameter being writable. */
function commonSchemas(resource: ResourceDescriptor, o: DocumentedObject) {
  const defined = new Map((o.definition?.fields ?? []).map((f) => [f.path, f]));
  const field = (f: Transformation['fields'][number]): SchemaField => ({
    path: f.path,
    type: f.type ?? defined.get(f.path)?.type,
    description: [defined.get(f.path)?.description, f.values ? `(${[...new Set(Object.values(f.values))].join(', ')}, or the vendor's value)` : undefined]
      .filter(Boolean)
      .join(' ') || undefined,
  });
  const body = (params: readonly ParameterSpec[] | undefined) => {
    const byName = new Map((params ?? []).map((p) => [normalized(p.name), p]));
    const writable = o.transformation.fields.flatMap((f) => {
      const p = byName.get(normalized(rootField(f.vendorPath)));
      return p ? [{ ...field(f), description: p.description, required: !!p.required }] : [];
    });
    return pathsSchema(writable, false);
  };
  return { record: pathsSchema(o.transformation.fields.map(field)), create: body(resource.parameters.create), update: body(resource.parameters.update) };
}

const PAGING_PARAMETERS: Json[] = [
  { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1 }, description: 'Records per page (capped at the element’s pagination.max)' },
  { name: 'page', in: 'query', schema: { type: 'integer' }, description: 'Page number, from pagination.page.startindex' },
  { name: 'nextPage', in: 'query', schema: { type: 'string' }, description: 'The Elements-Next-Page-Token of the previous page' },
];

const ERROR_RESPONSE = { $ref: '#/components/responses/Error' };

/**
 * The OpenAPI description of one instance's hub resources, generated from the adapter's
 * declarations: a new element is documented without writing any documentation code.
 */
export function instanceOpenApi(element: ElementDefinition, instance: { id: number; name: string }, documented: readonly DocumentedObject[] = []): Json {
  const hub = element.metadata.hub;
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = {};

  const addResource = (resource: ResourceDescriptor, prefix: string, parentIdParam?: Json, common?: ReturnType<typeof commonSchemas>) => {
    const schemaName = `${prefix.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
    schemas[schemaName] = common?.record ?? recordSchema(resource);
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const pathParams = parentIdParam ? [parentIdParam] : [];
    const op = (operation: Operation, summary: string, extra: Json): Json | undefined =>
      resource.operations.includes(operation)
        ? { summary, tags: [resource.name], operationId: `${operation}_${schemaName}`, responses: { '4XX': ERROR_RESPONSE, '5XX': ERROR_RESPONSE }, ...extra }
        : undefined;
    const queryParams = (operation: Operation) =>
      (resource.parameters[operation] ?? []).map((p) => ({ name: p.name, in: 'query', required: !!p.required, schema: parameterSchema(p), description: p.description }));
    const ok = (schema: Json, headers?: Json) => ({ '200': { description: 'OK', content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) } });

    const collection: Json = {};
    const list = op('list', `List ${resource.name}`, {
      parameters: [...pathParams, ...PAGING_PARAMETERS, ...queryParams('list')],
    });
    if (list) {
      list['responses'] = {
        ...ok({ type: 'array', items: ref }, {
          'Elements-Next-Page-Token': { schema: { type: 'string' }, description: 'Absent on the last page' },
          'Elements-Returned-Count': { schema: { type: 'integer' } },
        }),
        ...(list['responses'] as Json),
      };
      collection['get'] = list;
    }
    const single = resource.kind === 'singleton';
    const getOp = op('get', single ? resource.description : `Fetch one of ${resource.name}`, { parameters: [...pathParams, ...queryParams('get')] });
    const create = op('create', `Create in ${resource.name}`, {
      parameters: pathParams,
      requestBody: { required: true, content: { 'application/json': { schema: common?.create ?? bodySchema(resource.parameters.create) } } },
    });
    if (create) {
      create['responses'] = { ...ok(ref), ...(create['responses'] as Json) };
      collection['post'] = create;
    }
    const update = op('update', `Update one of ${resource.name}`, {
      requestBody: { required: true, content: { 'application/json': { schema: common?.update ?? bodySchema(resource.parameters.update) } } },
    });
    const remove = op('delete', `Delete one of ${resource.name}`, {});
    if (single) {
      if (getOp) collection['get'] = { ...getOp, responses: { ...ok(ref), ...(getOp['responses'] as Json) } };
      if (update) collection['patch'] = { ...update, responses: { ...ok(ref), ...(update['responses'] as Json) } };
      if (Object.keys(collection).length) paths[prefix] = collection;
      return;
    }
    if (Object.keys(collection).length) paths[prefix] = collection;
    const idParam = { name: parentIdParam ? 'subId' : 'id', in: 'path', required: true, schema: { type: 'string' }, description: `The record's ${resource.idField}` };
    const record: Json = {};
    if (getOp) record['get'] = { ...getOp, parameters: [...pathParams, idParam, ...queryParams('get')], responses: { ...ok(ref), ...(getOp['responses'] as Json) } };
    if (update) {
      record['patch'] = { ...update, parameters: [...pathParams, idParam], responses: { ...ok(ref), ...(update['responses'] as Json) } };
    }
    if (remove) record['delete'] = { ...remove, parameters: [...pathParams, idParam], responses: { ...ok({ type: 'object' }), ...(remove['responses'] as Json) } };
    const recordPath = `${prefix}/{${idParam.name}}`;
    if (Object.keys(record).length) paths[recordPath] = record;
    for (const sub of resource.subresources) {
      addResource(sub, `${prefix}/{id}/${sub.name}`, { ...idParam, name: 'id' });
    }
  };

  const byName = new Map(documented.map((o) => [o.objectName, o]));
  for (const resource of element.resources) {
    const o = byName.get(resource.name);
    if (!o) addResource(resource, `/hubs/${hub}/${resource.name}`);
  }
  // Transformed objects: the vendor resource's operations, with the common object's fields.
  for (const o of documented) {
    const vendor = element.resources.find((r) => r.name === o.transformation.vendorName);
    if (!vendor) continue;
    const resource: ResourceDescriptor = {
      ...vendor,
      name: o.objectName,
      description: `${o.objectName}: a common object, mapped from ${element.metadata.key}'s ${vendor.name}`,
      subresources: o.objectName === vendor.name ? vendor.subresources : [],
    };
    addResource(resource, `/hubs/${hub}/${o.objectName}`, undefined, commonSchemas(vendor, o));
  }

  return {
    openapi: '3.0.3',
    info: {
      title: `${element.metadata.name} — instance ${instance.id} (${instance.name})`,
      description: `${element.metadata.description}\n\nCall with \`Authorization: User <user secret>, Element <instance token>\`.`,
      version: '2',
    },
    servers: [{ url: '/elements/api-v2' }],
    security: [{ UserElement: [] }],
    paths,
    components: {
      securitySchemes: { UserElement: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'User <user secret>, Element <instance token>' } },
      schemas,
      responses: {
        Error: {
          description: 'The hub’s error body',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['requestId', 'message'],
                properties: { requestId: { type: 'string' }, message: { type: 'string' }, providerMessage: { type: 'string' }, providerCode: {} },
              },
            },
          },
        },
      },
    },
  };
}
