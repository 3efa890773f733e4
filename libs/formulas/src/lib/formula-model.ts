import { BadRequestError, ConflictError } from '@hub/element-sdk';
import { CronError, parseQuartzCron } from './cron';
import { isHttpMethod, storedPlatformPathRefusal } from '@hub/runtime';
import { configKeyOf } from './references';

/**
 * A formula as the old platform's API carries it (shared/reference/formulas.md §3), and the checks
 * a formula passes before it is stored. Step and trigger types this hub does not run are refused
 * here with a 400 naming them: nothing is accepted that would not run.
 */

export const STEP_TYPES = ['script', 'filter', 'elementRequest', 'request', 'httpRequest', 'loop', 'formula', 'retryFormulaExecution'] as const;
export type StepType = (typeof STEP_TYPES)[number];
/** Types of the old platform this hub does not run (yet): refused at validation. */
const UNSUPPORTED_STEP_TYPES = ['elementRequestStream', 'amqpRequest', 'java'];

export const TRIGGER_TYPES = ['event', 'manual', 'scheduled', 'elementRequest'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export interface ConfigurationEntry {
  readonly key: string;
  readonly name: string;
  readonly type: 'elementInstance' | 'value';
  readonly description?: string;
  readonly required?: boolean;
}

export interface TriggerDefinition {
  readonly type: TriggerType;
  readonly name: string;
  readonly properties: Record<string, unknown>;
  readonly onSuccess: string[];
  readonly onFailure: string[];
  readonly async?: boolean;
}

export interface StepDefinition {
  readonly name: string;
  readonly type: StepType;
  readonly properties: Record<string, unknown>;
  readonly onSuccess: string[];
  readonly onFailure: string[];
}

export interface FormulaDefinition {
  readonly name: string;
  readonly description?: string;
  readonly active: boolean;
  readonly singleThreaded: boolean;
  readonly engine: 'v1';
  readonly debugLoggingEnabled: boolean;
  readonly configuration: ConfigurationEntry[];
  readonly triggers: TriggerDefinition[];
  readonly steps: StepDefinition[];
}

const STEP_NAME = /^[A-Za-z0-9_-]{1,100}$/;
const MAX_STEPS = 200;

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Names stay text: HTML tags are stripped (`<a href=…>x</a>` → `x`), as the old platform did. */
export function stripHtml(text: string): string {
  return text.replace(/<[^>]*>/g, '').trim();
}

function requiredText(value: unknown, field: string, max = 500): string {
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestError(`${field} is required and must be a non-empty string`);
  if (value.length > max) throw new BadRequestError(`${field} must be at most ${max} characters`);
  return value;
}

function optionalBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new BadRequestError(`${field} must be a boolean`);
}

function nameList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new BadRequestError(`${field} must be an array of step names`);
  return value as string[];
}

function properties(value: unknown, field: string): Obj {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new BadRequestError(`${field} must be an object`);
  return value;
}

export function checkConfigurationEntry(value: unknown, field: string): ConfigurationEntry {
  if (!isObject(value)) throw new BadRequestError(`${field} must be an object {key, name, type}`);
  const key = requiredText(value['key'], `${field}.key`, 200);
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new BadRequestError(`${field}.key '${key}' may use letters, digits, '.', '-' and '_' only`);
  const type = value['type'] ?? 'value';
  if (type !== 'elementInstance' && type !== 'value') throw new BadRequestError(`${field}.type must be 'elementInstance' or 'value'`);
  const name = value['name'] === undefined ? key : stripHtml(requiredText(value['name'], `${field}.name`));
  if (value['description'] !== undefined && typeof value['description'] !== 'string') throw new BadRequestError(`${field}.description must be a string`);
  return {
    key,
    name,
    type,
    ...(typeof value['description'] === 'string' ? { description: value['description'] } : {}),
    ...(value['required'] !== undefined ? { required: optionalBoolean(value['required'], `${field}.required`, false) } : {}),
  };
}

export function checkTrigger(value: unknown, field: string, configKeys: readonly string[]): TriggerDefinition {
  if (!isObject(value)) throw new BadRequestError(`${field} must be an object`);
  const type = value['type'];
  if (typeof type !== 'string' || !(TRIGGER_TYPES as readonly string[]).includes(type)) {
    throw new BadRequestError(`${field}.type must be one of ${TRIGGER_TYPES.join(', ')}`);
  }
  const props = properties(value['properties'], `${field}.properties`);
  if (type === 'elementRequest') {
    const method = props['method'];
    if (method !== undefined && method !== null && method !== '' && (typeof method !== 'string' || !/^(GET|POST|PUT|PATCH|DELETE)$/i.test(method))) {
      throw new BadRequestError(`${field}.properties.method must be GET, POST, PUT, PATCH or DELETE (or absent: any method)`);
    }
    const api = props['api'];
    if (api !== undefined && api !== null && api !== '' && (typeof api !== 'string' || !/^\/hubs\/[^/]+\/[^?#\s]+$/.test(api))) {
      throw new BadRequestError(`${field}.properties.api must be a hub API path such as /hubs/messaging/messages (or absent: any hub call)`);
    }
  }
  if (type === 'event' || type === 'elementRequest') {
    const ref = props['elementInstanceId'];
    if (typeof ref === 'number' && Number.isSafeInteger(ref) && ref > 0) {
      // a literal instance id
    } else if (typeof ref === 'string' && /^\d+$/.test(ref)) {
      // a literal instance id as text
    } else if (!configKeyOf(ref, configKeys)) {
      throw new BadRequestError(
        `${field}.properties.elementInstanceId must be an element instance id or a reference to a configuration key (\${config.<key>}) that the formula declares`,
      );
    }
  }
  if (type === 'scheduled') {
    const cron = props['cron'];
    if (typeof cron !== 'string' || cron.trim() === '') throw new BadRequestError(`${field}.properties.cron is required for a scheduled trigger`);
    if (!cron.includes('${')) {
      try {
        parseQuartzCron(cron);
      } catch (error) {
        if (error instanceof CronError) throw new BadRequestError(`${field}.properties.cron: ${error.message}`);
        throw error;
      }
    } else if (!configKeyOf(cron, configKeys)) {
      throw new BadRequestError(`${field}.properties.cron must be a Quartz expression or a reference to a configuration key the formula declares`);
    }
  }
  return {
    type: type as TriggerType,
    name: typeof value['name'] === 'string' ? value['name'] : 'trigger',
    properties: props,
    onSuccess: nameList(value['onSuccess'], `${field}.onSuccess`),
    onFailure: nameList(value['onFailure'], `${field}.onFailure`),
    ...(value['async'] !== undefined ? { async: optionalBoolean(value['async'], `${field}.async`, false) } : {}),
  };
}

/** `retryStatusCodes`: codes and ranges, "400,500,503" or "401-405,500". */
function checkStatusCodes(value: unknown, field: string): void {
  if (value === undefined || value === null || value === '') return;
  const text = String(value);
  for (const part of text.split(',')) {
    const m = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(part);
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) {
      throw new BadRequestError(`${field} '${text}' must be status codes or ranges, e.g. "400,500,503" or "401-405,500"`);
    }
  }
}

function checkRetryAttempts(value: unknown, field: string, max: number): void {
  if (value === undefined || value === null || value === '') return;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new BadRequestError(`${field} must be an integer from 0 to ${max}`);
}

export function checkStep(value: unknown, field: string): StepDefinition {
  if (!isObject(value)) throw new BadRequestError(`${field} must be an object`);
  const name = requiredText(value['name'], `${field}.name`, 100);
  if (!STEP_NAME.test(name)) throw new BadRequestError(`${field}.name '${name}' may use letters, digits, '-' and '_' only`);
  const type = value['type'];
  if (typeof type === 'string' && UNSUPPORTED_STEP_TYPES.includes(type)) {
    throw new BadRequestError(`${field}.type '${type}' is not supported by this hub; supported step types: ${STEP_TYPES.join(', ')}`);
  }
  if (typeof type !== 'string' || !(STEP_TYPES as readonly string[]).includes(type)) {
    throw new BadRequestError(`${field}.type must be one of ${STEP_TYPES.join(', ')}`);
  }
  const props = properties(value['properties'], `${field}.properties`);
  const p = `${field}.properties`;
  switch (type as StepType) {
    case 'script':
    case 'filter': {
      if (typeof props['body'] !== 'string') throw new BadRequestError(`${p}.body is required (the script)`);
      const engine = props['scriptEngine'];
      if (engine !== undefined && engine !== 'v1' && engine !== 'v2') throw new BadRequestError(`${p}.scriptEngine must be 'v1' or 'v2'`);
      if (engine === 'v2' && !/\bdone\s*\(/.test(props['body'])) {
        throw new BadRequestError(`${p}.body: a v2 script must end by calling done() with its result`);
      }
      break;
    }
    case 'elementRequest': {
      requiredText(props['method'], `${p}.method`, 10);
      const api = requiredText(props['api'], `${p}.api`, 2000);
      if (props['elementInstanceId'] === undefined) throw new BadRequestError(`${p}.elementInstanceId is required`);
      if (/\/bulk\/[^/]+\/[^/]+/.test(api) && String(props['method']).toUpperCase() === 'GET') {
        throw new BadRequestError(`${p}.api: bulk downloads are not supported by an elementRequest step`);
      }
      if (!api.startsWith('/hubs/') && !api.startsWith('${')) throw new BadRequestError(`${p}.api must be a hub API path starting with /hubs/ (got '${api}')`);
      break;
    }
    case 'request': {
      const method = requiredText(props['method'], `${p}.method`, 200);
      if (!isHttpMethod(method.toUpperCase()) && !method.startsWith('${')) throw new BadRequestError(`${p}.method must be GET, POST, PUT, PATCH or DELETE (got '${method}')`);
      const refusal = storedPlatformPathRefusal(requiredText(props['api'], `${p}.api`, 2000));
      if (refusal) throw new BadRequestError(`${p}.api ${refusal}`);
      break;
    }
    case 'httpRequest':
      requiredText(props['url'], `${p}.url`, 2000);
      if (props['method'] !== undefined) requiredText(props['method'], `${p}.method`, 10);
      break;
    case 'loop':
      if (props['list'] === undefined || props['list'] === '') throw new BadRequestError(`${p}.list is required (a reference to an array)`);
      break;
    case 'formula': {
      const id = props['formulaId'];
      if (!(typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id)))) throw new BadRequestError(`${p}.formulaId must be a formula id`);
      break;
    }
    case 'retryFormulaExecution':
      checkRetryAttempts(props['retryAttempts'], `${p}.retryAttempts`, 5);
      break;
  }
  if (type === 'elementRequest' || type === 'request' || type === 'httpRequest') {
    checkRetryAttempts(props['retryAttempts'], `${p}.retryAttempts`, 5);
    checkStatusCodes(props['retryStatusCodes'], `${p}.retryStatusCodes`);
    checkStatusCodes(props['acceptableStatusCodes'], `${p}.acceptableStatusCodes`);
    if (props['retryDelay'] !== undefined && !(Number.isInteger(Number(props['retryDelay'])) && Number(props['retryDelay']) >= 0 && Number(props['retryDelay']) <= 60_000)) {
      throw new BadRequestError(`${p}.retryDelay must be a number of milliseconds from 0 to 60000`);
    }
  }
  return {
    name,
    type: type as StepType,
    properties: props,
    onSuccess: nameList(value['onSuccess'], `${field}.onSuccess`),
    onFailure: nameList(value['onFailure'], `${field}.onFailure`),
  };
}

/** Checks a whole formula body (POST, PUT); throws 400/409 naming the field. */
export function checkFormula(body: unknown, current?: FormulaDefinition): FormulaDefinition {
  if (!isObject(body)) throw new BadRequestError('the request body must be a formula object');
  const name = stripHtml(requiredText(body['name'] ?? current?.name, 'name'));
  if (name === '') throw new BadRequestError('name must not be empty once HTML is removed');
  if (body['engine'] !== undefined && body['engine'] !== null && body['engine'] !== 'v1') {
    throw new BadRequestError(`engine '${String(body['engine'])}' is not supported by this hub; only 'v1' is`);
  }
  const debug = optionalBoolean(body['debugLoggingEnabled'], 'debugLoggingEnabled', true);
  if (!debug) throw new BadRequestError('Execution debug logging can be disabled only for formula engine v3');
  if (body['method'] !== undefined || body['uri'] !== undefined || body['api'] !== undefined) {
    if (body['method'] !== null || body['uri'] !== null) throw new BadRequestError('method/uri: formulas as resources (FaaR) are not supported by this hub yet');
  }
  const configuration = body['configuration'] === undefined && current ? current.configuration : listOf(body['configuration'], 'configuration').map((c, i) => checkConfigurationEntry(c, `configuration[${i}]`));
  const keys = configuration.map((c) => c.key);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  if (duplicate) throw new ConflictError(`configuration key '${duplicate}' is declared twice`);
  const triggers = body['triggers'] === undefined && current ? current.triggers : listOf(body['triggers'], 'triggers').map((t, i) => checkTrigger(t, `triggers[${i}]`, keys));
  if (triggers.length > 1) throw new BadRequestError('triggers: a formula has one trigger');
  const steps = body['steps'] === undefined && current ? current.steps : listOf(body['steps'], 'steps').map((s, i) => checkStep(s, `steps[${i}]`));
  if (steps.length > MAX_STEPS) throw new BadRequestError(`steps: at most ${MAX_STEPS} steps`);
  const names = steps.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new BadRequestError(`steps: the step name '${twice}' is used twice`);
  if (body['description'] !== undefined && body['description'] !== null && typeof body['description'] !== 'string') {
    throw new BadRequestError('description must be a string');
  }
  const description = typeof body['description'] === 'string' ? body['description'] : body['description'] === null ? undefined : current?.description;
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    active: optionalBoolean(body['active'], 'active', current?.active ?? true),
    singleThreaded: optionalBoolean(body['singleThreaded'], 'singleThreaded', current?.singleThreaded ?? false),
    engine: 'v1',
    debugLoggingEnabled: true,
    configuration,
    triggers,
    steps,
  };
}

function listOf(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadRequestError(`${field} must be an array`);
  return value;
}

/** Names in onSuccess/onFailure that are not steps of the formula (a formula instance of it is refused). */
export function unknownStepNames(formula: Pick<FormulaDefinition, 'triggers' | 'steps'>): string[] {
  const names = new Set(formula.steps.map((s) => s.name));
  const links = [...formula.triggers, ...formula.steps].flatMap((x) => [...x.onSuccess, ...x.onFailure]);
  return [...new Set(links.filter((n) => !names.has(n)))];
}
