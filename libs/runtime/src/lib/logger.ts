import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/** LOG_FORMAT: `auto` is readable lines on a terminal and JSON lines otherwise (files, pipes, collectors). */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Whether `format` means readable lines here: `auto` asks whether stdout is a terminal. */
export function prettyLogs(format: LogFormat, stdoutIsTty = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTty);
}

/**
 * Structured JSON logs (pino, Fastify's own logger), or the same records as readable lines
 * (pino-pretty) on a terminal. Pretty lines are written in this thread, in order with what main.ts
 * prints itself (the start-up block), not by a worker. Secrets are redacted by path as a second
 * line of defence; the first is never to log them at all.
 */
export function createHubLogger(level: string, format: LogFormat = 'json'): Logger {
  const destination: DestinationStream = prettyLogs(format)
    ? pinoPretty({
        sync: true,
        colorize: process.stdout.isTTY === true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,service',
      })
    : // Written synchronously: in order with what main.ts prints itself, and nothing left unwritten at exit.
      pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level,
      base: { service: 'messaging-hub' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.authorization',
          'req.headers["x-hub-formula-owner"]',
          'headers["x-hub-formula-owner"]',
          '*["x-hub-formula-owner"]',
          '*.password',
          '*.token',
          '*.secret',
          '*.userSecret',
          '*.organizationSecret',
          '*.passwordHash',
          '*.configuration',
          'err.config',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Nest's start-up chatter (modules loaded, every route mapped): debug, not info. */
const START_UP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** Lets NestJS's own Logger write through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]) {
    const context = rest[rest.length - 1];
    this.write(
      typeof context === 'string' && START_UP_CONTEXTS.has(context) ? 'debug' : 'info',
      message,
      rest,
    );
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    rest: unknown[],
  ) {
    // Nest passes the context (a class name) last; stack traces come before it for errors.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message !== null && typeof message === 'object') {
      const [text] = rest.filter((r) => typeof r === 'string' && r !== context) as string[];
      this.logger[level]({ context, ...(message as object) }, text ?? '');
    } else {
      const stack = level === 'error' && rest.length > 1 ? rest[0] : undefined;
      this.logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}

/**
 * The store's start-up lines: each migration step at debug (start-up detail), the summaries
 * ("embedded store at …: applied …", "applied 2 migration(s) to PostgreSQL") and problems at info.
 */
export function storeLog(logger: Logger): (message: string) => void {
  return (message) => (/^(schema engine: |applied \d{14}_)/.test(message) ? logger.debug(message) : logger.info(message));
}
