import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { EventKeyConflict, type EventKeyInput, type UnseenKeys } from './events.model';

type Tx = Prisma.TransactionClient;

const keyId = (k: EventKeyInput) => `${k.objectType}\u0000${k.objectId}\u0000${k.version}`;

/**
 * Event keys: which change (object and version) of an instance was already an event. Reading what is
 * unseen takes one statement for any number of instances; storing is part of the transaction that
 * stores the events (OutboxRepository, PollStatesRepository.commitPolls) and fails with
 * EventKeyConflict when a key was stored meanwhile, so a change is never two events.
 */
export class EventKeysRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * For each instance, the keys not stored yet and the objects seen before under any version: one
   * statement for the whole batch (a poller's concurrent polls read together).
   */
  async unseen(batch: readonly { instanceId: number; keys: readonly EventKeyInput[] }[]): Promise<UnseenKeys[]> {
    const flat = batch.flatMap((b) => b.keys.map((k) => ({ instanceId: b.instanceId, ...k })));
    const seen = new Map<number, { versions: Set<string>; objects: Set<string> }>();
    if (flat.length > 0) {
      const rows = await this.prisma.$queryRaw<{ instance_id: number; object_type: string; object_id: string; version: string }[]>`
        SELECT k.instance_id, k.object_type, k.object_id, k.version
          FROM event_keys k
          JOIN (SELECT DISTINCT i, t, o FROM unnest(${flat.map((k) => k.instanceId)}::int[], ${flat.map((k) => k.objectType)}::text[], ${flat.map((k) => k.objectId)}::text[]) AS x(i, t, o)) x
            ON k.instance_id = x.i AND k.object_type = x.t AND k.object_id = x.o`;
      for (const r of rows) {
        let entry = seen.get(r.instance_id);
        if (!entry) seen.set(r.instance_id, (entry = { versions: new Set(), objects: new Set() }));
        entry.versions.add(keyId({ objectType: r.object_type, objectId: r.object_id, version: r.version }));
        entry.objects.add(`${r.object_type}/${r.object_id}`);
      }
    }
    return batch.map(({ instanceId, keys }) => {
      const entry = seen.get(instanceId);
      const taken = new Set<string>(entry?.versions ?? []);
      const fresh: EventKeyInput[] = [];
      for (const key of keys) {
        const id = keyId(key);
        if (taken.has(id)) continue;
        taken.add(id); // a key given twice in one batch is one event
        fresh.push(key);
      }
      return { fresh, knownObjects: entry?.objects ?? new Set<string>() };
    });
  }

  /**
   * Stores keys read as unseen, inside the caller's transaction: one statement for many instances.
   * Throws EventKeyConflict (the transaction is to be rolled back) when some were stored meanwhile.
   */
  static async insert(tx: Tx, batch: readonly { instanceId: number; keys: readonly EventKeyInput[] }[]): Promise<void> {
    const flat = batch.flatMap((b) => b.keys.map((k) => ({ instanceId: b.instanceId, ...k })));
    if (flat.length === 0) return;
    const rows = await tx.$queryRaw<{ instance_id: number; n: number }[]>`
      WITH inserted AS (
        INSERT INTO event_keys (instance_id, object_type, object_id, version)
        SELECT DISTINCT i, t, o, v FROM unnest(${flat.map((k) => k.instanceId)}::int[], ${flat.map((k) => k.objectType)}::text[], ${flat.map((k) => k.objectId)}::text[], ${flat.map((k) => k.version)}::text[]) AS x(i, t, o, v)
        ON CONFLICT DO NOTHING
        RETURNING instance_id
      )
      SELECT instance_id, count(*)::int AS n FROM inserted GROUP BY instance_id`;
    const stored = new Map(rows.map((r) => [r.instance_id, Number(r.n)]));
    const conflicts = batch
      .filter((b) => b.keys.length > 0 && (stored.get(b.instanceId) ?? 0) !== new Set(b.keys.map(keyId)).size)
      .map((b) => b.instanceId);
    if (conflicts.length > 0) throw new EventKeyConflict(conflicts);
  }
}
