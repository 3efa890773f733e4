import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { DummyPassword, hashPassword, PasswordRejectedError, passwordProblem, verifyPassword } from './password-hash';

export const OPERATOR_ROLES = ['admin', 'support'] as const;
/** admin: everything the admin app offers; support: read-only. */
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export interface OperatorSummary {
  readonly id: number;
  readonly email: string;
  readonly role: OperatorRole;
  readonly disabled: boolean;
  readonly createdDate: Date;
}

export class OperatorExistsError extends Error {
  constructor(readonly email: string) {
    super(`An operator with the email address ${email} already exists`);
  }
}

const SUMMARY = { id: true, email: true, role: true, disabled: true, createdDate: true } as const;

/** The email address as operators are keyed: trimmed and lower-cased (unique case-insensitively). */
export function operatorEmailOf(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(normalized)) throw new Error(`'${email}' is not an email address`);
  return normalized;
}

/**
 * The hub's operators (accounts of the admin app): email, scrypt password hash, role. Signing in
 * (sessions) belongs to the admin app; this is the accounts and the password check it will use.
 */
export class OperatorsRepository {
  private readonly dummy = new DummyPassword();

  constructor(private readonly prisma: PrismaClient) {}

  async create(input: { email: string; password: string; role: OperatorRole }): Promise<OperatorSummary> {
    const email = operatorEmailOf(input.email);
    const problem = passwordProblem(input.password);
    if (problem) throw new PasswordRejectedError(problem);
    if (!OPERATOR_ROLES.includes(input.role)) throw new Error(`role must be one of ${OPERATOR_ROLES.join(', ')}`);
    try {
      return await this.prisma.operator.create({
        data: { email, passwordHash: await hashPassword(input.password), role: input.role },
        select: SUMMARY,
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new OperatorExistsError(email);
      throw error;
    }
  }

  /**
   * HUB_ADMIN_EMAIL/HUB_ADMIN_PASSWORD at start: creates that admin unless an operator with the
   * email exists (whose password and role are then left as they are). True when it was created.
   */
  async ensureAdmin(email: string, password: string): Promise<boolean> {
    if (await this.findByEmail(email)) return false;
    try {
      await this.create({ email, password, role: 'admin' });
      return true;
    } catch (error) {
      if (error instanceof OperatorExistsError) return false; // another replica made it meanwhile
      throw error;
    }
  }

  async findByEmail(email: string): Promise<OperatorSummary | null> {
    return this.prisma.operator.findUnique({ where: { email: operatorEmailOf(email) }, select: SUMMARY });
  }

  /**
   * The operator, when the password is its own and it is not disabled. An unknown email, a disabled
   * operator and a wrong password all cost one scrypt check and answer null alike.
   */
  async verifyPassword(email: string, password: string): Promise<OperatorSummary | null> {
    let normalized: string;
    try {
      normalized = operatorEmailOf(email);
    } catch {
      return this.dummy.waste(password).then(() => null);
    }
    const row = await this.prisma.operator.findUnique({ where: { email: normalized }, select: { ...SUMMARY, passwordHash: true } });
    if (!row) return this.dummy.waste(password).then(() => null);
    const ok = await verifyPassword(password, row.passwordHash);
    if (!ok || row.disabled) return null;
    const { passwordHash: _hash, ...summary } = row;
    return summary;
  }

  async setDisabled(email: string, disabled: boolean): Promise<boolean> {
    const { count } = await this.prisma.operator.updateMany({ where: { email: operatorEmailOf(email) }, data: { disabled } });
    return count === 1;
  }

  async count(): Promise<number> {
    return this.prisma.operator.count();
  }
}
