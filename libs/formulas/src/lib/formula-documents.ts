import type { FormulaRow } from '@hub/store';
import type { ConfigurationEntry, FormulaDefinition, StepDefinition, TriggerDefinition } from './formula-model';

/**
 * A formula's configuration, trigger and steps are stored as one JSON document, each item with an id
 * of its own (the API addresses them: `/formulas/{id}/steps/{stepId}`), numbered within the formula.
 */
export interface StoredDocument {
  readonly configuration: (ConfigurationEntry & { id: number })[];
  readonly triggers: (TriggerDefinition & { id: number })[];
  readonly steps: (StepDefinition & { id: number })[];
  readonly nextItemId: number;
}

export function documentOf(row: Pick<FormulaRow, 'definition'>): StoredDocument {
  const d = (row.definition ?? {}) as Partial<StoredDocument>;
  return { configuration: d.configuration ?? [], triggers: d.triggers ?? [], steps: d.steps ?? [], nextItemId: d.nextItemId ?? 1 };
}

/** Gives ids to the items of a checked formula, keeping the ids of items that were there before (same key, same name). */
export function withIds(formula: Pick<FormulaDefinition, 'configuration' | 'triggers' | 'steps'>, previous?: StoredDocument): StoredDocument {
  let next = previous?.nextItemId ?? 1;
  const idOf = <T>(item: T, match: ((x: T & { id: number }) => boolean) | undefined, pool: readonly (T & { id: number })[]) => {
    const explicit = (item as { id?: unknown }).id;
    if (typeof explicit === 'number' && pool.some((p) => p.id === explicit)) return explicit;
    const found = match ? pool.find(match) : undefined;
    return found ? found.id : next++;
  };
  const configuration = formula.configuration.map((c) => ({ ...c, id: idOf(c, (p) => p.key === c.key, previous?.configuration ?? []) }));
  const triggers = formula.triggers.map((t, i) => ({ ...t, id: idOf(t, (p) => previous?.triggers.indexOf(p) === i, previous?.triggers ?? []) }));
  const steps = formula.steps.map((s) => ({ ...s, id: idOf(s, (p) => p.name === s.name, previous?.steps ?? []) }));
  return { configuration, triggers, steps, nextItemId: next };
}

/** The runnable formula of a stored row. */
export function definitionOf(row: FormulaRow): FormulaDefinition & { id: number } {
  const doc = documentOf(row);
  return {
    id: row.id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    active: row.active,
    singleThreaded: row.singleThreaded,
    engine: 'v1',
    debugLoggingEnabled: true,
    configuration: doc.configuration,
    triggers: doc.triggers,
    steps: doc.steps,
  };
}

/** A formula as the API answers it (shared/reference/formulas.md §3.1). */
export function formulaView(row: FormulaRow, options: { abridged?: boolean } = {}) {
  const doc = documentOf(row);
  return {
    id: row.id,
    userId: row.userId,
    accountId: row.organizationId,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    active: row.active,
    singleThreaded: row.singleThreaded,
    engine: 'v1',
    debugLoggingEnabled: true,
    createdDate: row.createdDate.toISOString(),
    updatedDate: row.updatedDate.toISOString(),
    configuration: doc.configuration,
    triggers: doc.triggers,
    ...(options.abridged ? {} : { steps: doc.steps }),
  };
}
