import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-body';

/** The one place where failures become HTTP: `{requestId, message, providerMessage?}`. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = toErrorResponse(error, String(request.id));
    if (response.unexpected) {
      this.logger.error({ err: error, reqId: request.id, method: request.method, url: request.url }, 'unexpected error');
    }
    void reply.status(response.status).headers(response.headers).send(response.body);
  }
}
