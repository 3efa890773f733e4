import { type FormEvent, useEffect, useState } from 'react';
import { type ElementRow, get, type InstanceRow, list, query } from '../api';
import { Link, navigate, useLocation } from '../router';
import { Badge, ErrorNote, Pager, useLoad, when } from '../ui';

const PAGE_SIZE = 25;
const FIELDS = ['organizationId', 'element', 'name', 'tag', 'status'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;
const STATUSES = ['valid', 'invalid', 'enabled', 'disabled', 'eventsEnabled', 'pollerFailing'];

/** Instance search: the filters live in the address, so a search can be bookmarked and linked to. */
export function InstancesPage() {
  const { search } = useLocation();
  const applied = Object.fromEntries(FIELDS.map((f) => [f, search.get(f) ?? ''])) as Filters;
  const page = Number(search.get('page') ?? '1') || 1;
  const key = search.toString();
  const [form, setForm] = useState<Filters>(applied);
  useEffect(() => setForm(applied), [key]);
  const elements = useLoad(() => get<ElementRow[]>('/elements'), 'elements');
  const found = useLoad(() => list<InstanceRow>(`/instances${query({ ...applied, page, pageSize: PAGE_SIZE })}`), key);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/instances${query({ ...form })}`);
  };
  const field = (name: keyof Filters) => ({ value: form[name], onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }) });

  return (
    <section>
      <h1>Instances</h1>
      <form className="filters" onSubmit={submit} role="search">
        <label>
          Organization id
          <input inputMode="numeric" pattern="\d*" {...field('organizationId')} />
        </label>
        <label>
          Element
          <select {...field('element')}>
            <option value="">any</option>
            {elements.data?.map((e) => (
              <option key={e.key} value={e.key}>
                {e.name} ({e.key})
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input {...field('name')} />
        </label>
        <label>
          Tag
          <input {...field('tag')} />
        </label>
        <label>
          Status
          <select {...field('status')}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={found.error} />
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Name</th>
            <th>Organization</th>
            <th>Element</th>
            <th>Tags</th>
            <th>State</th>
            <th>Poller</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {found.data?.items.map((i) => (
            <tr key={i.id}>
              <td>{i.id}</td>
              <td>
                <Link to={`/instances/${i.id}`}>{i.name}</Link>
              </td>
              <td>
                <Link to={`/organizations/${i.organizationId}`}>{i.organizationName}</Link>
              </td>
              <td>{i.element.key}</td>
              <td>{i.tags.join(', ') || '—'}</td>
              <td>
                {i.disabled ? <Badge kind="bad">disabled</Badge> : <Badge kind="ok">enabled</Badge>} {!i.valid && <Badge kind="warn">invalid</Badge>}{' '}
                {i.eventsEnabled && <Badge kind="off">events</Badge>}
              </td>
              <td>{i.poller ? (i.poller.consecutiveFailures > 0 ? <Badge kind="bad">failing ×{i.poller.consecutiveFailures}</Badge> : `last ${when(i.poller.lastRunAt)}`) : '—'}</td>
              <td>{when(i.createdDate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {found.data && found.data.items.length === 0 && <p className="empty">No instance matches.</p>}
      {found.data && (
        <Pager page={page} pageSize={PAGE_SIZE} total={found.data.total} onPage={(p) => navigate(`/instances${query({ ...applied, page: p })}`)} />
      )}
    </section>
  );
}
