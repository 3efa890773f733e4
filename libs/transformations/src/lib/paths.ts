/**
 * Field paths of common objects and transformations: dotted names, with `[*]` after a name for
 * "every element of this array": `from`, `media[*].url`, `price.amount`.
 */
export type PathSegment = { readonly kind: 'key'; readonly name: string } | { readonly kind: 'each' };

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** The segments of a path, or the reason it is not one. */
export function parsePath(path: unknown): PathSegment[] | string {
  if (typeof path !== 'string' || path.trim() === '') return 'must be a non-empty string';
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]+)((?:\[\*\])*)$/.exec(part);
    if (!match || !NAME.test(match[1])) {
      return `'${path}' is not a path: use names joined by '.', with [*] after an array's name (e.g. media[*].url)`;
    }
    if (match[1] === '__proto__' || match[1] === 'constructor' || match[1] === 'prototype') return `'${path}' uses a reserved name (${match[1]})`;
    segments.push({ kind: 'key', name: match[1] });
    for (let i = 0; i < match[2].length / 3; i++) segments.push({ kind: 'each' });
  }
  return segments;
}

export const eachCount = (segments: readonly PathSegment[]) => segments.filter((s) => s.kind === 'each').length;

/**
 * Every value at a path, with the array indices that led to it (one per `[*]`); missing parts give
 * nothing. `undefined` values are left out; `null` is a value.
 */
export function readPath(record: unknown, segments: readonly PathSegment[]): { indices: number[]; value: unknown }[] {
  const out: { indices: number[]; value: unknown }[] = [];
  const walk = (current: unknown, at: number, indices: number[]) => {
    if (at === segments.length) {
      if (current !== undefined) out.push({ indices, value: current });
      return;
    }
    const segment = segments[at];
    if (segment.kind === 'each') {
      if (Array.isArray(current)) current.forEach((item, i) => walk(item, at + 1, [...indices, i]));
      return;
    }
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return;
    if (!Object.prototype.hasOwnProperty.call(current, segment.name)) return;
    walk((current as Record<string, unknown>)[segment.name], at + 1, indices);
  };
  walk(record, 0, []);
  return out;
}

/** Writes a value at a path into `target`, creating objects and arrays on the way (`indices` fill the `[*]`s). */
export function writePath(target: Record<string, unknown>, segments: readonly PathSegment[], indices: readonly number[], value: unknown): void {
  let current: unknown = target;
  let used = 0;
  for (let at = 0; at < segments.length; at++) {
    const segment = segments[at];
    const last = at === segments.length - 1;
    const next = segments[at + 1];
    const fresh = () => (next?.kind === 'each' ? [] : Object.create(null) as Record<string, unknown>);
    if (segment.kind === 'each') {
      const list = current as unknown[];
      const index = indices[used++] ?? 0;
      if (last) list[index] = value;
      else {
        if (list[index] === undefined || list[index] === null || typeof list[index] !== 'object') list[index] = fresh();
        current = list[index];
      }
    } else {
      const object = current as Record<string, unknown>;
      if (last) object[segment.name] = value;
      else {
        const existing = object[segment.name];
        if (existing === undefined || existing === null || typeof existing !== 'object') object[segment.name] = fresh();
        current = object[segment.name];
      }
    }
  }
}

/** The path's first name: what a record field "is" for pass-through decisions. */
export const rootOf = (segments: readonly PathSegment[]): string => (segments[0] as { name: string }).name;

/** The value at a dotted path of a record (`a.b.c`). Reads own properties only: a path never walks into prototypes. */
export function valueAt(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
