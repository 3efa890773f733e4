import { BadRequestError, type CeqlExpression, type CeqlValue, type QueryFieldSpec, type QueryPlan, type VendorRecord } from '@hub/element-sdk';
import { valueAt } from '@hub/transformations';

/**
 * How a `where` runs: vendor parameters for what the vendor filters, and a residual expression
 * the hub applies to each returned page. Filtering pages of a vendor result that is a superset
 * of the answer is correct across pages (walking every page yields every match once), so the
 * hub only refuses fields the resource cannot be queried on at all.
 */
export function planQuery(expression: CeqlExpression, fields: readonly QueryFieldSpec[], resource: string): QueryPlan {
  const fieldOf = (name: string): QueryFieldSpec => {
    const field = fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) {
      const queryable = fields.map((f) => f.name).join(', ');
      throw new BadRequestError(`where: '${resource}' cannot be queried on '${name}' (${queryable ? `queryable: ${queryable}` : 'it takes no where'})`);
    }
    return field;
  };
  const conjuncts = expression.kind === 'and' ? expression.operands : [expression];
  const vendorParameters: Record<string, string> = {};
  const residual: CeqlExpression[] = [];
  for (const conjunct of conjuncts) {
    checkTypes(conjunct, fieldOf);
    if (conjunct.kind === 'comparison') {
      const field = fieldOf(conjunct.field);
      // The vendor's inclusive bounds serve strict ones too, with the hub removing the equal records.
      const pushdown = conjunct.operator === '<' ? '<=' : conjunct.operator === '>' ? '>=' : conjunct.operator;
      const parameter = field.vendorParameters?.[pushdown];
      if (parameter && vendorParameters[parameter] === undefined && (pushdown === conjunct.operator || !field.vendorOnly)) {
        vendorParameters[parameter] = String(coerce(field, conjunct.value));
        if (pushdown !== conjunct.operator) residual.push(conjunct);
        continue;
      }
    }
    residual.push(conjunct);
  }
  for (const conjunct of residual) refuseVendorOnly(conjunct, fieldOf);
  return {
    vendorParameters,
    ...(residual.length === 0 ? {} : { residual: residual.length === 1 ? residual[0] : { kind: 'and', operands: residual } }),
  };
}

/** A field only the vendor filters, left for the hub to apply: a 400 saying how it can be used. */
function refuseVendorOnly(expression: CeqlExpression, fieldOf: (name: string) => QueryFieldSpec): void {
  if ('operands' in expression) {
    expression.operands.forEach((operand) => refuseVendorOnly(operand, fieldOf));
    return;
  }
  const field = fieldOf(expression.field);
  if (!field.vendorOnly) return;
  const operators = Object.keys(field.vendorParameters ?? {}).join(' ');
  throw new BadRequestError(
    `where: '${field.name}' is filtered by the vendor only: use it once, with ${operators || '='}, joined to the rest with AND (not inside OR, nor with IN, LIKE or IS NULL)`,
  );
}

/**
 * A value as the field's type reads it. The old platform passed `where` values to the vendor as text,
 * so its clients quote booleans and numbers (`MmsEnabled='true'`, `AreaCode='510'`): those are read
 * as the boolean or number they spell.
 */
function coerce(field: QueryFieldSpec, value: CeqlValue): CeqlValue {
  if (typeof value !== 'string') return value;
  if (field.type === 'boolean' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (field.type === 'number' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

function checkTypes(expression: CeqlExpression, fieldOf: (name: string) => QueryFieldSpec): void {
  switch (expression.kind) {
    case 'and':
    case 'or':
      expression.operands.forEach((operand) => checkTypes(operand, fieldOf));
      return;
    case 'comparison':
      checkValue(fieldOf(expression.field), expression.value);
      return;
    case 'in':
      expression.values.forEach((value) => checkValue(fieldOf(expression.field), value));
      return;
    case 'like':
      if (fieldOf(expression.field).type !== 'string') throw new BadRequestError(`where: LIKE needs a text field; '${expression.field}' is not one`);
      return;
    case 'isNull':
      fieldOf(expression.field);
  }
}

function checkValue(field: QueryFieldSpec, given: CeqlValue): void {
  const value = coerce(field, given);
  const ok =
    field.type === 'date'
      ? typeof value === 'string' && dateRange(value) !== undefined
      : field.type === 'number'
        ? typeof value === 'number'
        : field.type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'string';
  if (!ok) {
    const example = field.type === 'date' ? "a date such as '2026-01-31' or '2026-01-31T10:00:00Z'" : field.type === 'string' ? "a 'quoted string'" : `a ${field.type}`;
    throw new BadRequestError(`where: '${field.name}' is compared with ${example}, not ${JSON.stringify(given)}`);
  }
}

/** A date value as a range of instants: a day for YYYY-MM-DD, one instant for a date-time. */
function dateRange(value: string): { from: number; to: number } | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const from = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(from) ? undefined : { from, to: from + 86_400_000 - 1 };
  }
  const at = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : { from: at, to: at };
}

const UNSAFE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

function compare(field: QueryFieldSpec, actual: unknown, operator: string, expected: CeqlValue): boolean {
  if (actual === null || actual === undefined) return operator === '!=';
  if (field.type === 'date') {
    const at = Date.parse(String(actual));
    const range = dateRange(String(expected));
    if (Number.isNaN(at) || !range) return false;
    switch (operator) {
      case '=':
        return at >= range.from && at <= range.to;
      case '!=':
        return at < range.from || at > range.to;
      case '<':
        return at < range.from;
      case '<=':
        return at <= range.to;
      case '>':
        return at > range.to;
      default:
        return at >= range.from;
    }
  }
  const a = field.type === 'number' ? Number(actual) : field.type === 'boolean' ? String(actual) === 'true' : String(actual);
  const b = coerce(field, expected);
  switch (operator) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/**
 * How much hub-side filtering one request may do, in units of work (a comparison is one, a LIKE
 * its characters compared). Bounded per page, so a where the parser accepted still cannot hold the
 * process on a page of long vendor records: past the budget the request is a 400 naming `where`.
 */
export class FilterBudget {
  static readonly DEFAULT_UNITS = 20_000_000;
  private remaining: number;
  constructor(readonly units = FilterBudget.DEFAULT_UNITS) {
    this.remaining = units;
  }
  spend(units: number): void {
    this.remaining -= units;
    if (this.remaining < 0) {
      throw new BadRequestError(
        `where: filtering this page in the hub would take more than its budget of ${this.units} steps; narrow the where (fewer OR terms, shorter LIKE patterns) or ask for a smaller pageSize`,
      );
    }
  }
}

/** A LIKE pattern split at its %s: runs of % collapse, `_` is one character, everything else literal. */
interface LikePattern {
  readonly whole?: string;
  readonly first: string;
  readonly last: string;
  readonly middle: readonly string[];
}

const compiledLikes = new Map<string, LikePattern>();

function compileLike(pattern: string): LikePattern {
  let compiled = compiledLikes.get(pattern);
  if (!compiled) {
    const parts = pattern.split('%');
    compiled =
      parts.length === 1
        ? { whole: pattern, first: '', last: '', middle: [] }
        : { first: parts[0], last: parts[parts.length - 1], middle: parts.slice(1, -1).filter((part) => part !== '') };
    if (compiledLikes.size >= 1_000) compiledLikes.clear();
    compiledLikes.set(pattern, compiled);
  }
  return compiled;
}

/** Does `segment` (with `_` for any one character) match `text` at `at`? Counts the characters compared. */
function segmentAt(text: string, at: number, segment: string, budget: FilterBudget): boolean {
  budget.spend(segment.length + 1);
  for (let k = 0; k < segment.length; k++) {
    const c = segment.charCodeAt(k);
    if (c !== 95 /* _ */ && c !== text.charCodeAt(at + k)) return false;
  }
  return true;
}

/**
 * LIKE without backtracking: the first and last segments are anchored, each middle segment is
 * taken at its leftmost match after the previous one (leftmost is always right for wildcards that
 * match any run), so the work is at most the text's length times the pattern's.
 */
function likeMatches(pattern: string, text: string, budget: FilterBudget): boolean {
  const like = compileLike(pattern);
  if (like.whole !== undefined) return text.length === like.whole.length && segmentAt(text, 0, like.whole, budget);
  const end = text.length - like.last.length;
  if (end < like.first.length) return false;
  if (!segmentAt(text, 0, like.first, budget) || !segmentAt(text, end, like.last, budget)) return false;
  let position = like.first.length;
  for (const segment of like.middle) {
    let found = -1;
    for (let at = position; at + segment.length <= end; at++) {
      if (segmentAt(text, at, segment, budget)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    position = found + segment.length;
  }
  return true;
}

/** Does a record satisfy the expression? (Used for the residual part of a plan.) */
export function matches(expression: CeqlExpression, record: VendorRecord, fields: readonly QueryFieldSpec[], budget = new FilterBudget()): boolean {
  budget.spend(1);
  const field = (name: string) => fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  switch (expression.kind) {
    case 'and':
      return expression.operands.every((operand) => matches(operand, record, fields, budget));
    case 'or':
      return expression.operands.some((operand) => matches(operand, record, fields, budget));
    case 'comparison': {
      const spec = field(expression.field);
      return !!spec && compare(spec, valueAt(record, spec.recordPath), expression.operator, expression.value);
    }
    case 'in': {
      const spec = field(expression.field);
      budget.spend(expression.values.length);
      return !!spec && expression.values.some((value) => compare(spec, valueAt(record, spec.recordPath), '=', value));
    }
    case 'like': {
      const spec = field(expression.field);
      const actual = spec ? valueAt(record, spec.recordPath) : undefined;
      return typeof actual === 'string' && likeMatches(expression.pattern, actual, budget);
    }
    case 'isNull': {
      const spec = field(expression.field);
      const actual = spec ? valueAt(record, spec.recordPath) : undefined;
      const isNull = actual === null || actual === undefined;
      return expression.negated ? !isNull : isNull;
    }
  }
}

/** Checks `fields` paths before use: dotted names, none that could reach a prototype. */
export function checkFieldPaths(paths: readonly string[]): void {
  for (const path of paths) {
    if (path.split('.').some((part) => part === '' || UNSAFE_SEGMENTS.has(part))) {
      throw new BadRequestError(`fields: '${path}' is not a field path (dotted names; __proto__, constructor and prototype are refused)`);
    }
  }
}

/** `fields=a,b.c`: keeps only these paths of each record (paths checked by checkFieldPaths). */
export function project(record: VendorRecord, paths: readonly string[]): VendorRecord {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const value = valueAt(record, path);
    if (value === undefined) continue;
    const parts = path.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) {
      if (!Object.hasOwn(target, part)) Object.defineProperty(target, part, { value: {}, enumerable: true, writable: true, configurable: true });
      target = target[part] as Record<string, unknown>;
    }
    Object.defineProperty(target, parts[parts.length - 1], { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
