import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * The access log: one line per request at info level, written when the answer is sent
 * (`request completed`, or `request errored` at error level), with the method, the URL, the status
 * and the time taken, beside the request id every line of the request carries. Fastify's own
 * `incoming request` line is written only at debug. The line's object is small and flat, so the
 * logger's redaction has nothing deep to walk (the request's headers are never part of it).
 */
export class AccessLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request) || !(request.log as { isLevelEnabled?(level: string): boolean }).isLevelEnabled?.('debug')) return;
    request.log.debug({ req: { method: request.method, url: request.url } }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: { method: request.method, url: request.url }, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
