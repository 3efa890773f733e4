import { existsSync } from 'node:fs';
import path from 'node:path';

export default function globalSetup(): void {
  const main = path.resolve(__dirname, '../../../../dist/apps/api/main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build the apps first (npx nx build api), or run the whole suite with npm test`);
  }
}
