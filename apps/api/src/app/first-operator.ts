import { STORE } from '@hub/runtime';
import type { Store } from '@hub/store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

/**
 * HUB_ADMIN_EMAIL/HUB_ADMIN_PASSWORD: the first operator (role admin), created at start unless an
 * operator with that email exists (its password is then left alone: change it in the admin app).
 * The password is hashed and never logged.
 */
@Injectable()
export class FirstOperatorBootstrap implements OnApplicationBootstrap {
  static readonly ADMIN = Symbol('FIRST_OPERATOR');
  private readonly logger = new Logger('FirstOperatorBootstrap');

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(FirstOperatorBootstrap.ADMIN) private readonly admin: { email: string; password: string } | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.admin) return;
    const created = await this.store.operators.ensureAdmin(this.admin.email, this.admin.password);
    if (created) this.logger.log(`created operator ${this.admin.email.trim().toLowerCase()} (role admin) from HUB_ADMIN_EMAIL`);
  }
}
