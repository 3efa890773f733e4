export { elementGenerator, type ElementGeneratorSchema } from './generators/element/generator';
