import { type FormEvent, Fragment, useState } from 'react';
import { change, get, list, query } from '../api';
import { Link } from '../router';
import { Badge, ErrorNote, Notice, Pager, useAction, useCanChange, useLoad, when } from '../ui';

const PAGE_SIZE = 25;

interface FormulaInstanceRow {
  id: number;
  name: string;
  active: boolean;
  organizationId: number;
  formula: { id: number; name: string; active: boolean };
  numberConsecutiveErrors: number;
  executions: number;
  failedExecutions: number;
  createdDate: string;
}

interface ExecutionRow {
  id: number;
  formulaInstanceId: number;
  status: string;
  createdDate: string;
  updatedDate: string | null;
  eventId?: string;
  objectId?: string;
  error?: string;
}

interface StepExecution {
  id: number;
  stepName: string;
  status: string;
  createdDate: string;
  stepExecutionValues?: { id: number; key: string; value: string }[];
}

const executionBadge = (status: string) => {
  const kind = status === 'success' ? 'ok' : status === 'failed' ? 'bad' : status === 'retry' || status === 'pending' ? 'warn' : 'off';
  return <Badge kind={kind}>{status}</Badge>;
};

/** Formula instances of every organization; failing ones first when asked. */
export function FormulasPage() {
  const [page, setPage] = useState(1);
  const [failing, setFailing] = useState(false);
  const [organization, setOrganization] = useState('');
  const [organizationId, setOrganizationId] = useState('');
  const rows = useLoad(
    () => list<FormulaInstanceRow>(`/formulas/instances${query({ failing: failing ? 'true' : '', organizationId, page, pageSize: PAGE_SIZE })}`),
    `${failing}|${organizationId}|${page}`,
  );
  const search = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setOrganizationId(organization.trim());
  };
  return (
    <section>
      <h1>Formulas</h1>
      <p className="hint">Formula instances of every organization, with their executions. A failed execution can be run again from its instance.</p>
      <form className="filters" onSubmit={search} role="search">
        <label>
          Organization id
          <input inputMode="numeric" value={organization} onChange={(e) => setOrganization(e.target.value)} />
        </label>
        <label>
          <input type="checkbox" checked={failing} onChange={(e) => (setPage(1), setFailing(e.target.checked))} /> failing only
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={rows.error} />
      <table>
        <thead>
          <tr>
            <th>Formula instance</th>
            <th>Formula</th>
            <th>Organization</th>
            <th>Active</th>
            <th>Executions</th>
            <th>Failed</th>
            <th>Consecutive errors</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {rows.data?.items.map((r) => (
            <tr key={r.id} data-formula-instance-id={r.id}>
              <td>
                <Link to={`/formulas/instances/${r.id}`}>{r.name}</Link> <code className="small">#{r.id}</code>
              </td>
              <td>
                {r.formula.name} <code className="small">#{r.formula.id}</code>
              </td>
              <td>
                <Link to={`/organizations/${r.organizationId}`}>{r.organizationId}</Link>
              </td>
              <td>{r.active && r.formula.active ? <Badge kind="ok">active</Badge> : <Badge kind="off">inactive</Badge>}</td>
              <td>{r.executions}</td>
              <td>{r.failedExecutions}</td>
              <td>{r.numberConsecutiveErrors > 0 ? <Badge kind="bad">{r.numberConsecutiveErrors}</Badge> : 0}</td>
              <td>{when(r.createdDate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.data && rows.data.items.length === 0 && <p className="empty">No formula instance.</p>}
      {rows.data && <Pager page={page} pageSize={PAGE_SIZE} total={rows.data.total} onPage={setPage} />}
    </section>
  );
}

/** One execution's step executions, newest first, each with its values (errors under `<step>.error`). */
function ExecutionSteps({ id }: { id: number }) {
  const detail = useLoad(() => get<ExecutionRow & { stepExecutions: StepExecution[] }>(`/formulas/executions/${id}`), String(id));
  if (detail.error) return <ErrorNote error={detail.error} />;
  if (!detail.data) return <p className="loading">Loading…</p>;
  return (
    <table className="steps">
      <thead>
        <tr>
          <th>Step</th>
          <th>Status</th>
          <th>Ended</th>
          <th>Values</th>
        </tr>
      </thead>
      <tbody>
        {detail.data.stepExecutions.map((s) => (
          <tr key={s.id}>
            <td>
              <code>{s.stepName}</code>
            </td>
            <td>{executionBadge(s.status)}</td>
            <td>{when(s.createdDate)}</td>
            <td className="wrap">
              {(s.stepExecutionValues ?? []).map((v) => (
                <div key={v.id} className={v.key.endsWith('.error') ? 'error-value' : undefined}>
                  <code>{v.key}</code> = <code>{v.value.length > 500 ? `${v.value.slice(0, 500)}…` : v.value}</code>
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A formula instance's executions (any organization); open one to see its steps; retry a failed one. */
export function FormulaInstancePage({ id }: { id: number }) {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('');
  const [open, setOpen] = useState<number>();
  const [notice, setNotice] = useState<string>();
  const canChange = useCanChange();
  const action = useAction();
  const executions = useLoad(() => list<ExecutionRow>(`/formulas/instances/${id}/executions${query({ status, page, pageSize: PAGE_SIZE })}`), `${id}|${status}|${page}`, 5_000);
  const retry = (executionId: number) =>
    action.run(
      () => change<ExecutionRow>('POST', `/formulas/executions/${executionId}/retry`),
      (created) => {
        setNotice(`Execution ${executionId} runs again as execution ${created.id}.`);
        executions.reload();
      },
    );
  return (
    <section>
      <p>
        <Link to="/formulas">← Formulas</Link>
      </p>
      <h1>Formula instance #{id}: executions</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => (setPage(1), setStatus(e.target.value))}>
            <option value="">any</option>
            {['failed', 'success', 'queued', 'pending', 'retry', 'cancelled'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={action.error ?? executions.error} />
      <table>
        <thead>
          <tr>
            <th>Execution</th>
            <th>Status</th>
            <th>Error</th>
            <th>Object</th>
            <th>Started</th>
            <th>Finished</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {executions.data?.items.map((e) => (
            <Fragment key={e.id}>
              <tr data-execution-id={e.id}>
                <td>
                  <button type="button" className="link" aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? undefined : e.id)}>
                    #{e.id}
                  </button>
                </td>
                <td>{executionBadge(e.status)}</td>
                <td className="wrap">{e.error ?? '—'}</td>
                <td>{e.objectId ? <code className="small">{e.objectId}</code> : '—'}</td>
                <td>{when(e.createdDate)}</td>
                <td>{when(e.updatedDate)}</td>
                <td>
                  {canChange && e.status === 'failed' && (
                    <button type="button" disabled={action.busy} onClick={() => void retry(e.id)}>
                      Retry
                    </button>
                  )}
                </td>
              </tr>
              {open === e.id && (
                <tr>
                  <td colSpan={7}>
                    <ExecutionSteps id={e.id} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {executions.data && executions.data.items.length === 0 && <p className="empty">No execution.</p>}
      {executions.data && <Pager page={page} pageSize={PAGE_SIZE} total={executions.data.total} onPage={setPage} />}
    </section>
  );
}
