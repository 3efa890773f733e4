import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as ts from 'typescript';
import { FIRST_GENERATED_ID, REGISTRY_FILE, elementGenerator, existingElements, registerElement } from './generator';

/** The registry as the workspace has it (libs/element-registry/src/index.ts). */
const REGISTRY = `import type { ElementDefinition } from '@hub/element-sdk';
import { twilioElement } from '@hub/elements/twilio';
import { twiliov2Element } from '@hub/elements/twiliov2';

/**
 * Every element the hub offers. Adding an element adds one line here (the element
 * generator writes it: \`npx nx g @hub/tools:element <name>\`); nothing else outside
 * the element's own library changes.
 */
export const ELEMENTS: readonly ElementDefinition[] = [
  twilioElement,
  twiliov2Element,
];
`;

const ELEMENT_FILES = [
  'project.json',
  'tsconfig.json',
  'jest.config.js',
  'eslint.config.mjs',
  'src/index.ts',
  'src/lib/acme.element.ts',
  'src/lib/acme-client.ts',
  'src/lib/resources/messages.resource.ts',
  'src/lib/acme.conformance.spec.ts',
  'src/testing/acme-double.ts',
];

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(REGISTRY_FILE, REGISTRY);
  tree.write(
    'tsconfig.base.json',
    JSON.stringify({ compilerOptions: { paths: { '@hub/element-sdk': ['libs/element-sdk/src/index.ts'] } } }, null, 2),
  );
  // Two existing elements, as their metadata names them.
  tree.write('libs/elements/twilio/src/lib/twilio.element.ts', `defineElement({ metadata: { id: 7, key: 'twilio' } });`);
  tree.write('libs/elements/twiliov2/src/lib/twiliov2.element.ts', `defineElement({\n  metadata: {\n    id: 503,\n    key: 'twiliov2',\n  },\n});`);
  return tree;
}

const read = (tree: Tree, file: string): string => tree.read(file, 'utf-8') ?? '';
const paths = (tree: Tree): Record<string, string[]> =>
  (JSON.parse(read(tree, 'tsconfig.base.json')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;

describe('element generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = workspace();
  });

  it('writes the library: project files, element, client, resource, double and conformance spec', async () => {
    await elementGenerator(tree, { name: 'acme' });
    for (const file of ELEMENT_FILES) expect({ file, exists: tree.exists(`libs/elements/acme/${file}`) }).toEqual({ file, exists: true });

    const project = JSON.parse(read(tree, 'libs/elements/acme/project.json')) as { name: string; tags: string[]; sourceRoot: string };
    expect(project).toMatchObject({ name: 'element-acme', tags: ['type:adapter'], sourceRoot: 'libs/elements/acme/src' });
    expect(read(tree, 'libs/elements/acme/jest.config.js')).toContain(`preset: '../../../jest.preset.js'`);
    expect(read(tree, 'libs/elements/acme/eslint.config.mjs')).toContain(`from '../../../eslint.config.mjs'`);
    expect(read(tree, 'libs/elements/acme/tsconfig.json')).toContain('"extends": "../../../tsconfig.base.json"');

    const element = read(tree, 'libs/elements/acme/src/lib/acme.element.ts');
    expect(element).toContain('export const acmeElement: ElementDefinition = defineElement<AcmeClient>({');
    expect(element).toContain(`id: ${FIRST_GENERATED_ID},`);
    expect(element).toContain(`key: 'acme',`);
    expect(element).toContain(`name: 'Acme',`);
    expect(element).toContain(`hub: 'messaging',`);
    expect(element).toMatch(/key: 'base\.url',[\s\S]*?type: 'url'/);
    expect(element).toMatch(/key: 'api\.key',[\s\S]*?secret: true/);
    expect(read(tree, 'libs/elements/acme/src/lib/resources/messages.resource.ts')).toMatch(
      /list:[\s\S]*get:[\s\S]*create:[\s\S]*update:[\s\S]*delete:/,
    );
    const spec = read(tree, 'libs/elements/acme/src/lib/acme.conformance.spec.ts');
    expect(spec).toContain(`from '@hub/element-sdk/testing'`);
    expect(spec).toContain(`operations: ['list', 'get', 'create', 'update', 'delete']`);
    expect(read(tree, 'libs/elements/acme/src/testing/acme-double.ts')).toContain(`server.listen(0, '127.0.0.1'`);
  });

  it('generates TypeScript without syntax errors and with no template tag left', async () => {
    await elementGenerator(tree, { name: 'acme-sms', displayName: 'Acme SMS' });
    for (const file of ELEMENT_FILES) {
      const path = `libs/elements/acme-sms/${file.replace(/acme/g, 'acme-sms')}`;
      const text = read(tree, path);
      expect({ path, leftover: /<%|%>|__name__/.test(text) }).toEqual({ path, leftover: false });
      if (!path.endsWith('.ts')) continue;
      const out = ts.transpileModule(text, { fileName: path, reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS } });
      expect({ path, diagnostics: (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) }).toEqual({
        path,
        diagnostics: [],
      });
    }
    const element = read(tree, 'libs/elements/acme-sms/src/lib/acme-sms.element.ts');
    expect(element).toContain('export const acmeSmsElement: ElementDefinition = defineElement<AcmeSmsClient>({');
    expect(element).toContain(`name: 'Acme SMS',`);
    // A stub of the common messages mapping, which the conformance spec requires to be completed.
    expect(element).toMatch(/transformations: \{\n\s+common: \{\n\s+messages: \{\n\s+vendorName: 'messages',/);
    expect(element).toContain('The conformance spec fails until every required field is mapped: fill in `direction`');
  });

  it('adds the path alias and the registry line', async () => {
    await elementGenerator(tree, { name: 'acme' });
    expect(paths(tree)).toEqual({
      '@hub/element-sdk': ['libs/element-sdk/src/index.ts'],
      '@hub/elements/acme': ['libs/elements/acme/src/index.ts'],
    });
    expect(read(tree, REGISTRY_FILE)).toBe(
      REGISTRY.replace(
        `import { twiliov2Element } from '@hub/elements/twiliov2';\n`,
        `import { twiliov2Element } from '@hub/elements/twiliov2';\nimport { acmeElement } from '@hub/elements/acme';\n`,
      ).replace('  twiliov2Element,\n];', '  twiliov2Element,\n  acmeElement,\n];'),
    );
  });

  it('gives a second element a different, fresh id', async () => {
    await elementGenerator(tree, { name: 'acme' });
    await elementGenerator(tree, { name: 'zenith' });
    const ids = existingElements(tree).map((e) => [e.key, e.id]);
    expect(ids).toEqual(
      expect.arrayContaining([
        ['twilio', 7],
        ['twiliov2', 503],
        ['acme', FIRST_GENERATED_ID],
        ['zenith', FIRST_GENERATED_ID + 1],
      ]),
    );
    expect(read(tree, REGISTRY_FILE)).toContain('  acmeElement,\n  zenithElement,\n];');
    expect(Object.keys(paths(tree))).toEqual(['@hub/element-sdk', '@hub/elements/acme', '@hub/elements/zenith']);
  });

  it('takes an explicit id, and refuses one already in use', async () => {
    await elementGenerator(tree, { name: 'acme', id: 2000 });
    expect(read(tree, 'libs/elements/acme/src/lib/acme.element.ts')).toContain('id: 2000,');
    await expect(elementGenerator(tree, { name: 'zenith', id: 503 })).rejects.toThrow(
      'Element id 503 is already used by libs/elements/twiliov2/src/lib/twiliov2.element.ts',
    );
    await elementGenerator(tree, { name: 'zenith' });
    expect(read(tree, 'libs/elements/zenith/src/lib/zenith.element.ts')).toContain('id: 2001,');
  });

  it.each(['Acme', '1acme', 'acme_sms', 'acme--sms', 'acme-', '', 'acme sms', '../acme'])(
    'refuses the invalid name %j and changes nothing',
    async (name) => {
      const before = tree.listChanges().length;
      await expect(elementGenerator(tree, { name })).rejects.toThrow('Invalid element name');
      expect(tree.listChanges()).toHaveLength(before);
      expect(tree.exists('libs/elements/acme')).toBe(false);
    },
  );

  it('refuses a name already taken (folder or element key) and changes nothing', async () => {
    await expect(elementGenerator(tree, { name: 'twilio' })).rejects.toThrow('libs/elements/twilio already exists');
    tree.write('libs/elements/other/src/lib/other.element.ts', `defineElement({ metadata: { id: 9, key: 'zenith' } });`);
    const before = read(tree, REGISTRY_FILE);
    await expect(elementGenerator(tree, { name: 'zenith' })).rejects.toThrow(`An element with key 'zenith' already exists`);
    expect(read(tree, REGISTRY_FILE)).toBe(before);
    expect(tree.exists('libs/elements/zenith')).toBe(false);
  });

  it('refuses a registry it does not recognize, before writing anything', async () => {
    tree.write(REGISTRY_FILE, 'export const ELEMENTS = [twilioElement];\n');
    await expect(elementGenerator(tree, { name: 'acme' })).rejects.toThrow('found no import');
    expect(tree.exists('libs/elements/acme')).toBe(false);
    expect(Object.keys(paths(tree))).toEqual(['@hub/element-sdk']);
  });
});

describe('registerElement', () => {
  it('adds a comma to a last entry without one', () => {
    const source = `import { a } from 'a';\n\nexport const ELEMENTS: readonly X[] = [\n  aElement\n];\n`;
    expect(registerElement(source, 'bElement', '@hub/elements/b')).toBe(
      `import { a } from 'a';\nimport { bElement } from '@hub/elements/b';\n\nexport const ELEMENTS: readonly X[] = [\n  aElement,\n  bElement,\n];\n`,
    );
  });

  it('refuses an element already imported', () => {
    expect(() => registerElement(REGISTRY, 'twilioElement', '@hub/elements/twilio')).toThrow('already imports @hub/elements/twilio');
  });
});
