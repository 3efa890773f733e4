import { createHmac, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import type { OperatorRole, OperatorSummary } from './operators.repository';
import { hashSecret } from './secret-box';

declare const operatorBrand: unique symbol;

/**
 * A signed-in operator. Only `OperatorSessionsRepository.resolveSession` mints one, and every query that
 * crosses organizations takes one: such a query cannot be called on a tenant's behalf by mistake.
 */
export interface Operator {
  readonly id: number;
  readonly email: string;
  readonly role: OperatorRole;
  readonly [operatorBrand]: true;
}

export interface OperatorSessionInfo {
  readonly operator: Operator;
  readonly expiresAt: Date;
}

export interface Page {
  readonly skip: number;
  readonly take: number;
}

/**
 * The CSRF token of a session: derived from the session token (HMAC-SHA256), so the hub can answer
 * it again (GET /admin/session, after a page reload) without keeping it in clear. Only a caller that
 * holds the HttpOnly cookie can get it; knowing it does not reveal the session token.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('hub-admin-csrf-v1').digest('base64url');
}

const mintOperator = (o: { id: number; email: string; role: OperatorRole }): Operator => ({ id: o.id, email: o.email, role: o.role }) as Operator;

/** Operators' sessions: opened at sign-in, resolved per admin request (the token is stored hashed), closed, pruned. */
export class OperatorSessionsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Opens a session; the token exists in clear only in this answer (the CSRF token is derived from it). */
  async openSession(operator: OperatorSummary, ttlSeconds: number, now = new Date()) {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = csrfTokenOf(token);
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await this.prisma.operatorSession.create({ data: { tokenHash: hashSecret(token), operatorId: operator.id, expiresAt } });
    return { token, csrfToken, expiresAt, operator: mintOperator(operator) };
  }

  /** The operator of a live session of an operator that is not disabled; null otherwise. */
  async resolveSession(token: string, now = new Date()): Promise<OperatorSessionInfo | null> {
    const session = await this.prisma.operatorSession.findUnique({
      where: { tokenHash: hashSecret(token) },
      include: { operator: { select: { id: true, email: true, role: true, disabled: true } } },
    });
    if (!session || session.expiresAt <= now || session.operator.disabled) return null;
    return { operator: mintOperator(session.operator), expiresAt: session.expiresAt };
  }

  async closeSession(token: string): Promise<void> {
    await this.prisma.operatorSession.deleteMany({ where: { tokenHash: hashSecret(token) } });
  }

  async pruneSessions(now = new Date()): Promise<number> {
    return (await this.prisma.operatorSession.deleteMany({ where: { expiresAt: { lte: now } } })).count;
  }
}
