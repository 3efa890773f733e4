import type { PrismaClient } from '../generated/prisma/client';
import { hashSecret, newSecret } from './secret-box';
import { mintTenant, type Tenant } from './tenant';

export interface NewOrganization {
  readonly name: string;
  readonly user: { readonly emailAddress: string; readonly firstName?: string; readonly lastName?: string };
}

/** The only moment secrets exist in clear: returned once to whoever created them. */
export interface CreatedOrganization {
  readonly tenant: Tenant;
  readonly organization: { readonly id: number; readonly name: string; readonly secret: string };
  readonly user: { readonly id: number; readonly emailAddress: string; readonly secret: string };
}

export interface UserSummary {
  readonly id: number;
  readonly emailAddress: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
}

/** Organizations, users and the secrets that authenticate them (stored as SHA-256 hashes only). */
export class TenantsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async createOrganization(input: NewOrganization): Promise<CreatedOrganization> {
    const organizationSecret = newSecret();
    const userSecret = newSecret();
    const organization = await this.prisma.organization.create({
      data: {
        name: input.name,
        secretHash: hashSecret(organizationSecret),
        users: {
          create: {
            emailAddress: input.user.emailAddress,
            firstName: input.user.firstName ?? null,
            lastName: input.user.lastName ?? null,
            secretHash: hashSecret(userSecret),
          },
        },
      },
      include: { users: true },
    });
    const user = organization.users[0];
    return {
      tenant: mintTenant(organization.id, user.id),
      organization: { id: organization.id, name: organization.name, secret: organizationSecret },
      user: { id: user.id, emailAddress: user.emailAddress, secret: userSecret },
    };
  }

  /** Adds a user to the organization the tenant belongs to; returns its secret once. */
  async createUser(
    tenant: Tenant,
    input: NewOrganization['user'],
  ): Promise<{ id: number; emailAddress: string; secret: string }> {
    return this.createUserInOrganization(tenant.organizationId, input);
  }

  /** Operators only (the `hub` CLI): adds a user to any organization; returns its secret once. */
  async createUserInOrganization(
    organizationId: number,
    input: NewOrganization['user'],
  ): Promise<{ id: number; emailAddress: string; secret: string }> {
    const secret = newSecret();
    const user = await this.prisma.user.create({
      data: {
        organizationId,
        emailAddress: input.emailAddress,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        secretHash: hashSecret(secret),
      },
    });
    return { id: user.id, emailAddress: user.emailAddress, secret };
  }

  async countOrganizations(): Promise<number> {
    return this.prisma.organization.count();
  }

  /** `User <secret>, Organization <secret>`: both must match, and the user must belong to the organization. */
  async authenticate(userSecret: string, organizationSecret: string): Promise<Tenant | null> {
    const user = await this.prisma.user.findUnique({
      where: { secretHash: hashSecret(userSecret) },
      select: { id: true, organizationId: true, organization: { select: { secretHash: true } } },
    });
    if (!user || user.organization.secretHash !== hashSecret(organizationSecret)) return null;
    return mintTenant(user.organizationId, user.id);
  }

  /** `User <secret>` alone (hub calls, where the Element token names the organization's instance). */
  async authenticateUser(userSecret: string): Promise<Tenant | null> {
    const user = await this.prisma.user.findUnique({
      where: { secretHash: hashSecret(userSecret) },
      select: { id: true, organizationId: true },
    });
    return user ? mintTenant(user.organizationId, user.id) : null;
  }

  async findUser(tenant: Tenant, userId: number): Promise<UserSummary | null> {
    return this.prisma.user.findFirst({
      where: { id: userId, organizationId: tenant.organizationId },
      select: { id: true, emailAddress: true, firstName: true, lastName: true },
    });
  }
}
