import { type FormEvent, useState } from 'react';
import { type AuditRow, list, query } from '../api';
import { ErrorNote, Pager, useLoad, when } from '../ui';

const PAGE_SIZE = 25;

export function AuditPage() {
  const [page, setPage] = useState(1);
  const [action, setAction] = useState('');
  const [filter, setFilter] = useState('');
  const entries = useLoad(() => list<AuditRow>(`/audit${query({ action: filter, page, pageSize: PAGE_SIZE })}`), `${filter}|${page}`);
  const search = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setFilter(action.trim());
  };
  return (
    <section>
      <h1>Audit log</h1>
      <p className="hint">Every change an operator made, newest first. The hub never deletes these entries.</p>
      <form className="filters" onSubmit={search} role="search">
        <label>
          Action starts with
          <input placeholder="organization." value={action} onChange={(e) => setAction(e.target.value)} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={entries.error} />
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Operator</th>
            <th>Action</th>
            <th>Target</th>
            <th>Details</th>
            <th>Request</th>
          </tr>
        </thead>
        <tbody>
          {entries.data?.items.map((e) => (
            <tr key={e.id}>
              <td>{when(e.createdDate)}</td>
              <td>{e.operatorEmail}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.targetType} {e.targetId ?? ''}
              </td>
              <td className="wrap">{e.details === null || e.details === undefined ? '—' : <code>{JSON.stringify(e.details)}</code>}</td>
              <td>
                <code className="small">{e.requestId ?? '—'}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.data && entries.data.items.length === 0 && <p className="empty">No entry.</p>}
      {entries.data && <Pager page={page} pageSize={PAGE_SIZE} total={entries.data.total} onPage={setPage} />}
    </section>
  );
}
