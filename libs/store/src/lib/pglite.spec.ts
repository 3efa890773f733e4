import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { collectGarbage, isFreshDataDir } from './pglite';

describe('isFreshDataDir (initdb, then PGlite opened again)', () => {
  it('is a folder on disk without PG_VERSION, whether or not the folder exists', () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), 'hub-pglite-'));
    try {
      expect(isFreshDataDir(path.join(dir, 'missing'))).toBe(true);
      expect(isFreshDataDir(dir)).toBe(true);
      fs.writeFileSync(path.join(dir, 'PG_VERSION'), '17\n');
      expect(isFreshDataDir(dir)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is never an in-memory database or another file system (nothing to reopen there)', () => {
    expect(isFreshDataDir(undefined)).toBe(false);
    expect(isFreshDataDir('memory://')).toBe(false);
    expect(isFreshDataDir('idb://hub')).toBe(false);
  });
});

describe('collectGarbage', () => {
  it('runs a full collection without --expose-gc, and leaves gc unexposed to the process', () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    let collected = false;
    const registry = new FinalizationRegistry(() => (collected = true));
    (() => registry.register({ garbage: true }, 'x'))();
    collectGarbage();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    // Finalization callbacks run after the collection, on a later turn.
    return new Promise<void>((resolve) => setTimeout(() => {
      expect(collected).toBe(true);
      resolve();
    }, 50));
  });
});
