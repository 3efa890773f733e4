import type { PrismaClient } from '../generated/prisma/client';
import { PENDING } from './events.model';

/** What retention forgets: finished notifications, held ones past the window, and old event keys. */
export class EventPruningRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Forgets delivered and failed notifications (and their attempts) created more than `maxAgeMs` ago. */
  async pruneNotifications(maxAgeMs: number): Promise<number> {
    const { count } = await this.prisma.eventNotification.deleteMany({
      where: { status: { in: ['delivered', 'failed'] }, createdDate: { lt: new Date(Date.now() - maxAgeMs) } },
    });
    return count;
  }

  /**
   * Expires held notifications (pending, of a disabled instance or a suspended organization) created
   * more than `maxAgeMs` ago: they were kept for the retention window and it has passed. Returns how many.
   */
  async expireHeld(maxAgeMs: number): Promise<number> {
    const { count } = await this.prisma.eventNotification.deleteMany({
      where: {
        status: { in: [...PENDING] },
        createdDate: { lt: new Date(Date.now() - maxAgeMs) },
        instance: { OR: [{ disabled: true }, { organization: { suspended: true } }] },
      },
    });
    return count;
  }

  /** Forgets deduplication keys older than `maxAgeMs` (far older than any poll window). */
  async pruneEventKeys(maxAgeMs: number): Promise<number> {
    const { count } = await this.prisma.eventKey.deleteMany({ where: { createdDate: { lt: new Date(Date.now() - maxAgeMs) } } });
    return count;
  }
}
