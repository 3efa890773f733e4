import { useState } from 'react';
import { change, get, type InstanceDetail } from '../api';
import { Link } from '../router';
import { Badge, ErrorNote, Notice, useAction, useCanChange, useLoad, when } from '../ui';
import { DeliveriesTable } from './deliveries';

export function InstanceDetailPage({ id }: { id: number }) {
  const canChange = useCanChange();
  const detail = useLoad(() => get<InstanceDetail>(`/instances/${id}`), String(id));
  const action = useAction();
  const [notice, setNotice] = useState<string>();

  if (!detail.data) return <section>{detail.error ? <ErrorNote error={detail.error} /> : <p className="loading">Loading…</p>}</section>;
  const { instance, organization, poller, deliveries, traces } = detail.data;
  const setEnabled = (enabled: boolean) =>
    action.run(
      () => change(enabled ? 'PUT' : 'DELETE', `/instances/${id}/enabled`),
      () => {
        setNotice(enabled ? 'Instance enabled: its hub calls work again.' : 'Instance disabled: its hub calls answer 403.');
        detail.reload();
      },
    );
  const redeliverFailed = () =>
    action.run(
      () => change<{ requeued?: number }>('POST', `/instances/${id}/events/redeliver`),
      (r) => {
        setNotice(`Failed notifications queued again${typeof r.requeued === 'number' ? `: ${r.requeued}` : ''}.`);
        detail.reload();
      },
    );

  return (
    <section>
      <p className="crumbs">
        <Link to="/instances">Instances</Link> / {instance.id}
      </p>
      <h1>
        {instance.name}{' '}
        <span data-testid="instance-state">{instance.disabled ? <Badge kind="bad">disabled</Badge> : <Badge kind="ok">enabled</Badge>}</span>
      </h1>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={action.error ?? detail.error} />
      {canChange && (
        <div className="actions">
          {instance.disabled ? (
            <button type="button" disabled={action.busy} onClick={() => void setEnabled(true)}>
              Enable
            </button>
          ) : (
            <button type="button" className="danger" disabled={action.busy} onClick={() => void setEnabled(false)}>
              Disable
            </button>
          )}
          <button type="button" disabled={action.busy} onClick={() => void redeliverFailed()}>
            Redeliver failed notifications
          </button>
          <button type="button" onClick={detail.reload}>
            Refresh
          </button>
        </div>
      )}
      <div className="columns">
        <div>
          <h2>Instance</h2>
          <dl className="facts">
            <dt>Id</dt>
            <dd>{instance.id}</dd>
            <dt>Organization</dt>
            <dd>{organization ? <Link to={`/organizations/${organization.id}`}>{organization.name}</Link> : '—'}</dd>
            <dt>Element</dt>
            <dd>{instance.element.key}</dd>
            <dt>Owner</dt>
            <dd>{instance.user.emailAddress}</dd>
            <dt>Tags</dt>
            <dd>{instance.tags.join(', ') || '—'}</dd>
            <dt>Valid</dt>
            <dd>{instance.valid ? 'yes' : 'no'}</dd>
            <dt>Events</dt>
            <dd>{instance.eventsEnabled ? 'on' : 'off'}</dd>
            <dt>Traces</dt>
            <dd>{instance.traceLoggingEnabled ? 'recorded' : 'off'}</dd>
            <dt>Created</dt>
            <dd>{when(instance.createdDate)}</dd>
            <dt>Updated</dt>
            <dd>{when(instance.updatedDate)}</dd>
          </dl>
        </div>
        <div>
          <h2>Poller</h2>
          {poller.enabled ? (
            <dl className="facts">
              <dt>Every</dt>
              <dd>{poller.refreshIntervalMinutes} min</dd>
              <dt>Last run</dt>
              <dd>{when(poller.lastRunDate)}</dd>
              <dt>Last success</dt>
              <dd>{when(poller.lastSuccessDate)}</dd>
              <dt>Next run</dt>
              <dd>{when(poller.nextRunDate)}</dd>
              <dt>Failures in a row</dt>
              <dd>{poller.consecutiveFailures ? <Badge kind="bad">{poller.consecutiveFailures}</Badge> : 0}</dd>
              <dt>Last error</dt>
              <dd className="wrap">{poller.lastError ?? '—'}</dd>
              <dt>Events found</dt>
              <dd>{poller.eventsFound}</dd>
            </dl>
          ) : (
            <p className="empty">Not polled (events off, or they come by webhook).</p>
          )}
        </div>
      </div>
      <h2>Configuration</h2>
      <p className="hint">Secret values are masked by the hub; the admin app never receives them.</p>
      <table className="configuration">
        <tbody>
          {Object.entries(instance.configuration).map(([key, value]) => (
            <tr key={key}>
              <th scope="row">
                <code>{key}</code>
              </th>
              <td className="wrap">
                <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Recent deliveries</h2>
      <DeliveriesTable rows={deliveries} onChanged={detail.reload} showInstance={false} />
      <h2>Recent traces</h2>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Request</th>
            <th>Status</th>
            <th>Duration</th>
            <th>Error or warning</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((t) => (
            <tr key={t.id}>
              <td>{when(t.createdDate)}</td>
              <td className="wrap">
                <code>
                  {t.method} {t.url}
                </code>
              </td>
              <td>{t.status ?? '—'}</td>
              <td>{t.durationMs} ms</td>
              <td className="wrap">{t.error ?? t.warning ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {traces.length === 0 && <p className="empty">No trace (turn on traceLoggingEnabled on the instance to record its vendor calls).</p>}
    </section>
  );
}
