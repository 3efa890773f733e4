import { ForbiddenError, UnauthorizedError } from '@hub/element-sdk';
import { STORE } from '@hub/runtime';
import { csrfTokenOf, type Store, type Operator } from '@hub/store';
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

/** The admin session cookie: HttpOnly, SameSite=Strict, Secure when the hub is published over HTTPS. */
export const SESSION_COOKIE = 'hub_admin_session';
/** Mutating admin calls carry the session's CSRF token (from the sign-in answer or GET /admin/session) in this header. */
export const CSRF_HEADER = 'x-csrf-token';

const ANY_ROLE = 'hub:admin:any-role';
/** A change every signed-in operator may make (signing out): the CSRF token is still required. */
export const AnyOperatorRole = () => SetMetadata(ANY_ROLE, true);

type OperatorRequest = FastifyRequest & { operator?: Operator; sessionToken?: string; sessionExpiresAt?: Date };

/** The value of one cookie of a Cookie header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function setCookie(reply: FastifyReply, cookie: string): void {
  void reply.header('set-cookie', cookie);
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admin calls need a live operator session (the cookie). Calls that change something also need
 * the session's CSRF token in X-CSRF-Token (a cross-site form cannot read it) and an admin
 * operator: support operators can read everything and change nothing.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<OperatorRequest>();
    const token = cookieOf(request.headers.cookie, SESSION_COOKIE);
    if (!token) throw new UnauthorizedError('Sign in first: POST /elements/api-v2/admin/session with {"email", "password"}');
    const session = await this.store.operatorSessions.resolveSession(token);
    if (!session) throw new UnauthorizedError('The admin session has ended (expired, signed out or the operator disabled): sign in again');
    if (!['GET', 'HEAD'].includes(request.method)) {
      const csrf = request.headers[CSRF_HEADER];
      const given = typeof csrf === 'string' ? sha256(csrf) : undefined;
      if (!given || !timingSafeEqual(given, sha256(csrfTokenOf(token)))) {
        throw new ForbiddenError(`A change needs the session's CSRF token in the ${CSRF_HEADER} header (from the sign-in answer or GET /admin/session)`);
      }
      if (session.operator.role !== 'admin' && !this.reflector.get<boolean>(ANY_ROLE, context.getHandler())) {
        throw new ForbiddenError(`Operator ${session.operator.email} has the support role: it can read, not change`);
      }
    }
    request.operator = session.operator;
    request.sessionToken = token;
    request.sessionExpiresAt = session.expiresAt;
    return true;
  }
}

/** The operator the OperatorGuard let in. */
export const CurrentOperator = createParamDecorator((_: unknown, context: ExecutionContext): Operator => {
  const operator = context.switchToHttp().getRequest<OperatorRequest>().operator;
  if (!operator) throw new UnauthorizedError('Not signed in');
  return operator;
});

/** The session token the OperatorGuard let in (for sign-out). */
export const CurrentSessionToken = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<OperatorRequest>().sessionToken ?? '',
);

/** When the session the OperatorGuard let in ends. */
export const CurrentSessionExpiry = createParamDecorator(
  (_: unknown, context: ExecutionContext): Date | undefined => context.switchToHttp().getRequest<OperatorRequest>().sessionExpiresAt,
);
