import { type Tree, generateFiles, names, offsetFromRoot, updateJson, visitNotIgnoredFiles } from '@nx/devkit';
import * as path from 'node:path';

/**
 * `npx nx g @hub/tools:element <name>`: a new element adapter, which is one library folder and one
 * registry line (ARCHITECTURE.md). Writes libs/elements/<name> (project files, the element built with
 * defineElement, a messages resource, a vendor client, a vendor test double and the conformance spec
 * that runs the kit against it), the `@hub/elements/<name>` path alias, and the registry line.
 */
export interface ElementGeneratorSchema {
  /** The element key and folder name (`acme`, `acme-sms`). */
  readonly name: string;
  /** The catalog name (default: the key in title case). */
  readonly displayName?: string;
  /** The numeric id (default: one more than the largest in use, at least FIRST_GENERATED_ID). */
  readonly id?: number;
}

export const ELEMENTS_DIR = 'libs/elements';
export const REGISTRY_FILE = 'libs/element-registry/src/index.ts';
export const ROOT_TSCONFIG = 'tsconfig.base.json';
/** Ids below this stay free for elements that keep the id they had on the old platform (7, 503). */
export const FIRST_GENERATED_ID = 1001;
export const ELEMENT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** An element already in the workspace, read from its `*.element.ts` metadata. */
export interface ExistingElement {
  readonly file: string;
  readonly key: string | undefined;
  readonly id: number | undefined;
}

export async function elementGenerator(tree: Tree, options: ElementGeneratorSchema): Promise<void> {
  const name = (options.name ?? '').trim();
  if (!ELEMENT_NAME.test(name)) {
    throw new Error(
      `Invalid element name '${options.name}': use lower-case letters and digits, words joined by '-', starting with a letter (e.g. acme or acme-sms).`,
    );
  }
  const root = `${ELEMENTS_DIR}/${name}`;
  const alias = `@hub/elements/${name}`;
  if (tree.exists(root)) throw new Error(`${root} already exists.`);

  const existing = existingElements(tree);
  const clash = existing.find((e) => e.key === name);
  if (clash) throw new Error(`An element with key '${name}' already exists (${clash.file}).`);
  const used = existing.map((e) => e.id).filter((id): id is number => id !== undefined);
  const id = options.id ?? nextElementId(used);
  if (!Number.isInteger(id) || id < 1) throw new Error(`Invalid element id ${options.id}: use a positive integer.`);
  const taken = existing.find((e) => e.id === id);
  if (taken) throw new Error(`Element id ${id} is already used by ${taken.file}.`);

  const n = names(name);
  const element = `${n.propertyName}Element`;
  // Check the shared files before writing anything, so a refusal leaves the workspace as it was.
  const registry = registerElement(readRegistry(tree), element, alias);
  const paths = readPaths(tree);
  if (paths[alias]) throw new Error(`${ROOT_TSCONFIG} already maps ${alias}.`);

  generateFiles(tree, path.join(__dirname, 'files'), root, {
    name,
    id,
    displayName: options.displayName?.trim() || titleCase(name),
    className: n.className,
    propertyName: n.propertyName,
    constantName: n.constantName,
    element,
    projectName: `element-${name}`,
    offsetFromRoot: offsetFromRoot(root),
    alias,
  });
  addPathAlias(tree, alias, `${root}/src/index.ts`);
  tree.write(REGISTRY_FILE, registry);
}

export default elementGenerator;

/** Every `*.element.ts` under libs/elements, with the key and id of its metadata. */
export function existingElements(tree: Tree): ExistingElement[] {
  const found: ExistingElement[] = [];
  if (!tree.exists(ELEMENTS_DIR)) return found;
  visitNotIgnoredFiles(tree, ELEMENTS_DIR, (file) => {
    if (!file.endsWith('.element.ts')) return;
    const text = tree.read(file, 'utf-8') ?? '';
    const id = /\bmetadata\s*:\s*\{[\s\S]*?\bid\s*:\s*([\d_]+)/.exec(text)?.[1];
    const key = /\bmetadata\s*:\s*\{[\s\S]*?\bkey\s*:\s*['"]([^'"]+)['"]/.exec(text)?.[1];
    found.push({ file, key, id: id === undefined ? undefined : Number(id.replace(/_/g, '')) });
  });
  return found;
}

export function nextElementId(used: readonly number[]): number {
  return Math.max(FIRST_GENERATED_ID - 1, ...used) + 1;
}

function titleCase(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function readRegistry(tree: Tree): string {
  const source = tree.read(REGISTRY_FILE, 'utf-8');
  if (source === null) throw new Error(`${REGISTRY_FILE} does not exist: the element registry is where elements are listed.`);
  return source;
}

/**
 * The registry with one more element: its import after the last import, its entry last in
 * `ELEMENTS`. Refuses a registry of another shape rather than guessing.
 */
export function registerElement(source: string, element: string, importPath: string): string {
  if (source.includes(`'${importPath}'`)) throw new Error(`${REGISTRY_FILE} already imports ${importPath}.`);
  const lines = source.split('\n');
  let lastImport = -1;
  lines.forEach((line, i) => {
    if (/^import\s.*\sfrom\s+['"][^'"]+['"];\s*$/.test(line)) lastImport = i;
  });
  if (lastImport < 0) throw new Error(`${REGISTRY_FILE}: found no import to add the element's import after.`);
  lines.splice(lastImport + 1, 0, `import { ${element} } from '${importPath}';`);

  const start = lines.findIndex((line) => /^export const ELEMENTS\b.*=\s*\[\s*$/.test(line));
  if (start < 0) throw new Error(`${REGISTRY_FILE}: found no 'export const ELEMENTS … = [' line.`);
  const end = lines.findIndex((line, i) => i > start && /^\];\s*$/.test(line));
  if (end < 0) throw new Error(`${REGISTRY_FILE}: found no '];' closing ELEMENTS.`);
  const previous = lines[end - 1];
  if (end - 1 > start && !previous.trimEnd().endsWith(',')) lines[end - 1] = `${previous.trimEnd()},`;
  lines.splice(end, 0, `  ${element},`);
  return lines.join('\n');
}

interface RootTsConfig {
  compilerOptions?: { paths?: Record<string, string[]> } & Record<string, unknown>;
}

function readPaths(tree: Tree): Record<string, string[]> {
  if (!tree.exists(ROOT_TSCONFIG)) throw new Error(`${ROOT_TSCONFIG} does not exist.`);
  const json = JSON.parse(tree.read(ROOT_TSCONFIG, 'utf-8') ?? '{}') as RootTsConfig;
  return json.compilerOptions?.paths ?? {};
}

/** Adds the alias after the last `@hub/elements/*` one (or last), keeping every other entry in place. */
function addPathAlias(tree: Tree, alias: string, target: string): void {
  updateJson<RootTsConfig>(tree, ROOT_TSCONFIG, (json) => {
    const entries = Object.entries(json.compilerOptions?.paths ?? {});
    let at = entries.length;
    entries.forEach(([key], i) => {
      if (key.startsWith('@hub/elements/')) at = i + 1;
    });
    entries.splice(at, 0, [alias, [target]]);
    json.compilerOptions = { ...json.compilerOptions, paths: Object.fromEntries(entries) };
    return json;
  });
}
