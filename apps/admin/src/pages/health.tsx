import { useState } from 'react';
import { type DeliveryHour, type DeliveryRow, get, list, type PollerRow, query } from '../api';
import { DeliveryChart } from '../chart';
import { Link } from '../router';
import { Badge, ErrorNote, Pager, useLoad, when } from '../ui';
import { DeliveriesTable } from './deliveries';

const PAGE_SIZE = 25;
const REFRESH_MS = 3_000;

/** Poller and delivery health: refreshed every few seconds while the page is open. */
export function HealthPage() {
  const [hours, setHours] = useState(24);
  const [status, setStatus] = useState('failed');
  const [page, setPage] = useState(1);
  const [live, setLive] = useState(true);
  const refresh = live ? REFRESH_MS : undefined;
  const chart = useLoad(() => get<DeliveryHour[]>(`/events/deliveries/hourly?hours=${hours}`), String(hours), refresh);
  const pollers = useLoad(() => list<PollerRow>('/events/pollers?failing=true&pageSize=50'), 'pollers', refresh);
  const deliveries = useLoad(() => list<DeliveryRow>(`/events/deliveries${query({ status, page, pageSize: PAGE_SIZE })}`), `${status}|${page}`, refresh);

  return (
    <section>
      <h1>Health</h1>
      <div className="toolbar">
        <label>
          Chart
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            <option value={24}>last 24 hours</option>
            <option value={72}>last 3 days</option>
            <option value={168}>last 7 days</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Refresh every {REFRESH_MS / 1000} s
        </label>
      </div>
      <h2>Delivery attempts per hour</h2>
      <ErrorNote error={chart.error} />
      {chart.data && <DeliveryChart hours={chart.data} />}

      <h2>Failing pollers</h2>
      <ErrorNote error={pollers.error} />
      <table>
        <thead>
          <tr>
            <th>Instance</th>
            <th>Organization</th>
            <th>Failures in a row</th>
            <th>Last error</th>
            <th>Last run</th>
            <th>Last success</th>
            <th>Next run</th>
          </tr>
        </thead>
        <tbody>
          {pollers.data?.items.map((p) => (
            <tr key={p.instanceId}>
              <td>
                <Link to={`/instances/${p.instanceId}`}>{p.instanceName}</Link>
              </td>
              <td>
                <Link to={`/organizations/${p.organizationId}`}>{p.organizationName}</Link>
              </td>
              <td>
                <Badge kind="bad">{p.consecutiveFailures}</Badge>
              </td>
              <td className="wrap">{p.lastError ?? '—'}</td>
              <td>{when(p.lastRunAt)}</td>
              <td>{when(p.lastSuccessAt)}</td>
              <td>{when(p.nextRunAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pollers.data && pollers.data.items.length === 0 && <p className="empty">Every poller’s last run succeeded.</p>}

      <h2>Deliveries</h2>
      <div className="toolbar">
        <label>
          Status
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setPage(1);
            }}
          >
            <option value="failed">failed</option>
            <option value="retry">retrying</option>
            <option value="created">waiting</option>
            <option value="delivered">delivered</option>
            <option value="">all</option>
          </select>
        </label>
      </div>
      <ErrorNote error={deliveries.error} />
      {deliveries.data && (
        <>
          <DeliveriesTable rows={deliveries.data.items} onChanged={deliveries.reload} />
          <Pager page={page} pageSize={PAGE_SIZE} total={deliveries.data.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}
