import { useState } from 'react';
import { change, type DeliveryRow } from '../api';
import { Link } from '../router';
import { deliveryBadge, ErrorNote, Notice, useAction, useCanChange, when } from '../ui';

/** Event notifications with their last attempt; failed ones can be delivered again. */
export function DeliveriesTable({ rows, onChanged, showInstance = true }: { rows: DeliveryRow[]; onChanged: () => void; showInstance?: boolean }) {
  const canChange = useCanChange();
  const action = useAction();
  const [notice, setNotice] = useState<string>();
  const redeliver = (eventId: string) =>
    action.run(
      () => change('POST', `/events/${encodeURIComponent(eventId)}/redeliver`),
      () => {
        setNotice(`Event ${eventId} is queued for delivery again.`);
        onChanged();
      },
    );
  return (
    <>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={action.error} />
      <table className="deliveries">
        <thead>
          <tr>
            <th>Event</th>
            {showInstance && <th>Instance</th>}
            <th>Status</th>
            <th>Attempts</th>
            <th>Events</th>
            <th>Last answer</th>
            <th>Next attempt</th>
            <th>Created</th>
            {canChange && <th />}
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.eventId} data-event-id={d.eventId}>
              <td>
                <code>{d.eventId}</code>
              </td>
              {showInstance && (
                <td>
                  <Link to={`/instances/${d.instanceId}`}>{d.instanceName}</Link>
                </td>
              )}
              <td>{deliveryBadge(d.status)}</td>
              <td>{d.attempts}</td>
              <td>{d.eventCount}</td>
              <td className="wrap">{[d.lastStatusCode, d.lastError].filter((x) => x !== null && x !== '').join(' · ') || '—'}</td>
              <td>{when(d.nextAttemptAt)}</td>
              <td>{when(d.createdDate)}</td>
              {canChange && (
                <td>
                  {(d.status === 'failed' || d.status === 'retry') && (
                    <button type="button" disabled={action.busy} onClick={() => void redeliver(d.eventId)}>
                      Redeliver
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="empty">No notification.</p>}
    </>
  );
}
