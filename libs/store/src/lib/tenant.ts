declare const tenantBrand: unique symbol;

/**
 * Who is asking: an organization and one of its users. Only the store's authentication
 * (TenantsRepository) mints one, and every tenant-owned query takes one, so a query that
 * forgot its tenant does not type-check.
 */
export interface Tenant {
  readonly organizationId: number;
  readonly userId: number;
  readonly [tenantBrand]: true;
}

/** Mints a tenant. Internal to the store: callers get tenants by authenticating. */
export function mintTenant(organizationId: number, userId: number): Tenant {
  return { organizationId, userId } as Tenant;
}
