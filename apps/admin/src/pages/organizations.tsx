import { type FormEvent, useState } from 'react';
import { change, list, type OrganizationRow, query } from '../api';
import { Link } from '../router';
import { Badge, ErrorNote, Pager, SecretBox, useAction, useCanChange, useLoad, when } from '../ui';

const PAGE_SIZE = 25;

interface Created {
  organization: { id: number; name: string; secret: string };
  user: { id: number; emailAddress: string; secret: string };
}

export function OrganizationsPage() {
  const canChange = useCanChange();
  const [name, setName] = useState('');
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(1);
  const orgs = useLoad(() => list<OrganizationRow>(`/organizations${query({ name: filter, page, pageSize: PAGE_SIZE })}`), `${filter}|${page}`);
  const [created, setCreated] = useState<Created>();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const action = useAction();

  const search = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setFilter(name.trim());
  };
  const create = (event: FormEvent) => {
    event.preventDefault();
    const user = { emailAddress: form.email, ...(form.password ? { password: form.password } : {}) };
    void action.run(
      () => change<Created>('POST', '/organizations', { name: form.name, user }),
      (result) => {
        setCreated(result);
        setForm({ name: '', email: '', password: '' });
        orgs.reload();
      },
    );
  };

  return (
    <section>
      <h1>Organizations</h1>
      <form className="filters" onSubmit={search} role="search">
        <label>
          Name contains
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={orgs.error} />
      {created && (
        <SecretBox
          title={`Organization ${created.organization.name} created`}
          secrets={[
            ['Organization secret', created.organization.secret],
            [`User secret (${created.user.emailAddress})`, created.user.secret],
            ['Authorization header', `User ${created.user.secret}, Organization ${created.organization.secret}`],
          ]}
          onClose={() => setCreated(undefined)}
        />
      )}
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Name</th>
            <th>Users</th>
            <th>Instances</th>
            <th>Rate limit</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {orgs.data?.items.map((o) => (
            <tr key={o.id}>
              <td>{o.id}</td>
              <td>
                <Link to={`/organizations/${o.id}`}>{o.name}</Link> {o.suspended && <Badge kind="bad">suspended</Badge>}
              </td>
              <td>{o.users}</td>
              <td>
                <Link to={`/instances?organizationId=${o.id}`}>{o.instances}</Link>
              </td>
              <td>{o.rateLimit ? `${o.rateLimit.requestsPerSecond}/s, burst ${o.rateLimit.burst}` : 'none'}</td>
              <td>{when(o.createdDate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {orgs.data && orgs.data.items.length === 0 && <p className="empty">No organization matches.</p>}
      {orgs.data && <Pager page={page} pageSize={PAGE_SIZE} total={orgs.data.total} onPage={setPage} />}

      {canChange && (
        <form className="card" onSubmit={create} aria-label="New organization">
          <h2>New organization</h2>
          <label>
            Organization name
            <input required maxLength={200} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </label>
          <label>
            First user’s email
            <input type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          </label>
          <label>
            First user’s password (optional, at least 12 characters: lets the user log in)
            <input type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </label>
          <ErrorNote error={action.error} />
          <button type="submit" disabled={action.busy}>
            Create organization
          </button>
        </form>
      )}
    </section>
  );
}
