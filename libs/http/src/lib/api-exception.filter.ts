import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-body';

const logger = new Logger('ApiExceptionFilter');

/**
 * A failure as the answer to a request: `{requestId, message, providerMessage?}` with its status and
 * headers; an unexpected one is logged with the request. Routes served by Fastify directly (the hub
 * call) send their failures through this too, so that every route answers failures alike.
 */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const response = toErrorResponse(error, String(request.id));
  if (response.unexpected) {
    logger.error({ err: error, reqId: request.id, method: request.method, url: request.url }, 'unexpected error');
  }
  return reply.status(response.status).headers(response.headers).send(response.body);
}

/** The one place where failures of Nest's routes become HTTP (sendError). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    void sendError(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
