import type { PrismaClient } from '../generated/prisma/client';

export interface CatalogEntry {
  readonly id: number;
  readonly key: string;
}

/** The run-time state of the element catalog (what an element is lives in its adapter library). */
export class ElementsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Makes sure every element in code has its catalog row; never touches an operator's `active` choice. */
  async sync(elements: readonly CatalogEntry[]): Promise<void> {
    for (const { id, key } of elements) {
      await this.prisma.element.upsert({ where: { id }, create: { id, key }, update: { key } });
    }
  }

  async activeStates(): Promise<Map<number, boolean>> {
    const rows = await this.prisma.element.findMany({ select: { id: true, active: true } });
    return new Map(rows.map((r) => [r.id, r.active]));
  }

  async setActive(id: number, active: boolean): Promise<void> {
    await this.prisma.element.update({ where: { id }, data: { active } });
  }
}
