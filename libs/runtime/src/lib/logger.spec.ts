import { Writable } from 'node:stream';
import pino from 'pino';
import { PinoNestLogger, prettyLogs, storeLog } from './logger';

const capture = () => {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { logger, lines };
};

describe('logs', () => {
  it('are readable lines on a terminal, JSON otherwise, unless LOG_FORMAT says which', () => {
    expect(prettyLogs('auto', true)).toBe(true);
    expect(prettyLogs('auto', false)).toBe(false);
    expect(prettyLogs('json', true)).toBe(false);
    expect(prettyLogs('pretty', false)).toBe(true);
  });

  it("put Nest's start-up chatter (modules, routes) and each migration step at debug, the rest at info", () => {
    const { logger, lines } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/elements/api-v2/instances, GET} route', 'RouterExplorer');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('event workers started', 'EventWorkers');
    const store = storeLog(logger);
    store('schema engine: Applying `20261122222229_init`');
    store('applied 20261122222229_init');
    store('applied 2 migration(s) to PostgreSQL');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [20, 'Mapped {/elements/api-v2/instances, GET} route'],
      [20, 'AppModule dependencies initialized'],
      [30, 'event workers started'],
      [20, 'schema engine: Applying `20261122222229_init`'],
      [20, 'applied 20261122222229_init'],
      [30, 'applied 2 migration(s) to PostgreSQL'],
    ]);
  });
});
