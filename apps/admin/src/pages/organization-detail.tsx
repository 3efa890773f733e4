import { type FormEvent, useState } from 'react';
import { change, get, type OrganizationRow, type UserRow } from '../api';
import { Link, navigate } from '../router';
import { Badge, ErrorNote, Notice, SecretBox, useAction, useCanChange, useLoad, when } from '../ui';

type Organization = OrganizationRow & { users: UserRow[] };

export function OrganizationDetailPage({ id }: { id: number }) {
  const canChange = useCanChange();
  const org = useLoad(() => get<Organization>(`/organizations/${id}`), String(id));
  const action = useAction();
  const [secrets, setSecrets] = useState<{ title: string; secrets: [string, string][] }>();
  const [notice, setNotice] = useState<string>();
  const [user, setUser] = useState({ email: '', password: '' });
  const [limit, setLimit] = useState({ requestsPerSecond: '', burst: '' });
  const [name, setName] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);

  const done = (message: string) => () => {
    setNotice(message);
    org.reload();
  };
  const suspend = (suspended: boolean) =>
    action.run(
      () => change<Partial<OrganizationRow>>('PATCH', `/organizations/${id}`, { suspended }),
      (answer) => {
        // Say what the hub answered, not what was asked: a hub that does not report the state is not trusted to have it.
        if (answer.suspended === suspended) setNotice(suspended ? 'Organization suspended: its calls answer 403.' : 'Organization resumed.');
        else setNotice(`The hub accepted the change but does not report the organization as ${suspended ? 'suspended' : 'resumed'}.`);
        org.reload();
      },
    );
  const rename = (event: FormEvent) => {
    event.preventDefault();
    void action.run(() => change('PATCH', `/organizations/${id}`, { name }), done('Renamed.'));
  };
  const rotateOrganization = () =>
    action.run(
      () => change<{ organizationSecret: string; previousSecretExpiresAt: string }>('POST', `/organizations/${id}/secret/rotate`),
      (r) => setSecrets({ title: 'New organization secret', secrets: [['Organization secret', r.organizationSecret], ['Previous secret works until', when(r.previousSecretExpiresAt)]] }),
    );
  const rotateUser = (u: UserRow) =>
    action.run(
      () => change<{ userSecret: string; previousSecretExpiresAt: string }>('POST', `/organizations/${id}/users/${u.id}/secret/rotate`),
      (r) => setSecrets({ title: `New secret of ${u.emailAddress}`, secrets: [['User secret', r.userSecret], ['Previous secret works until', when(r.previousSecretExpiresAt)]] }),
    );
  const addUser = (event: FormEvent) => {
    event.preventDefault();
    void action.run(
      () => change<{ emailAddress: string; secret: string }>('POST', `/organizations/${id}/users`, { emailAddress: user.email, ...(user.password ? { password: user.password } : {}) }),
      (r) => {
        setSecrets({ title: `User ${r.emailAddress} added`, secrets: [['User secret', r.secret]] });
        setUser({ email: '', password: '' });
        org.reload();
      },
    );
  };
  const setRateLimit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(
      () => change('PUT', `/organizations/${id}/rate-limit`, { requestsPerSecond: Number(limit.requestsPerSecond), burst: Number(limit.burst) }),
      done('Rate limit set.'),
    );
  };
  const remove = () => action.run(() => change('DELETE', `/organizations/${id}`), () => navigate('/organizations'));

  if (!org.data) return <section>{org.error ? <ErrorNote error={org.error} /> : <p className="loading">Loading…</p>}</section>;
  const o = org.data;
  return (
    <section>
      <p className="crumbs">
        <Link to="/organizations">Organizations</Link> / {o.id}
      </p>
      <h1>
        {o.name} {o.suspended === true && <Badge kind="bad">suspended</Badge>}
      </h1>
      <dl className="facts">
        <dt>Id</dt>
        <dd>{o.id}</dd>
        <dt>Created</dt>
        <dd>{when(o.createdDate)}</dd>
        <dt>Instances</dt>
        <dd>
          <Link to={`/instances?organizationId=${o.id}`}>{o.instances}</Link>
        </dd>
        <dt>Rate limit</dt>
        <dd>{o.rateLimit ? `${o.rateLimit.requestsPerSecond} calls/s, burst ${o.rateLimit.burst}` : 'none'}</dd>
      </dl>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={action.error ?? org.error} />
      {secrets && <SecretBox title={secrets.title} secrets={secrets.secrets} onClose={() => setSecrets(undefined)} />}

      {canChange && (
        <div className="actions">
          {o.suspended !== true && (
            <button type="button" disabled={action.busy} onClick={() => void suspend(true)}>
              Suspend
            </button>
          )}
          {o.suspended !== false && (
            <button type="button" disabled={action.busy} onClick={() => void suspend(false)}>
              Resume
            </button>
          )}
          <button type="button" disabled={action.busy} onClick={() => void rotateOrganization()}>
            Rotate organization secret
          </button>
          {!confirmDelete ? (
            <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          ) : (
            <span className="confirm">
              Delete {o.name} with its users, instances, events and traces?{' '}
              <button type="button" className="danger" disabled={action.busy} onClick={() => void remove()}>
                Delete for good
              </button>{' '}
              <button type="button" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </span>
          )}
        </div>
      )}

      <h2>Users</h2>
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Email</th>
            <th>Name</th>
            <th>Can log in</th>
            <th>Previous secret expires</th>
            <th>Created</th>
            {canChange && <th />}
          </tr>
        </thead>
        <tbody>
          {o.users.map((u) => (
            <tr key={u.id}>
              <td>{u.id}</td>
              <td>{u.emailAddress}</td>
              <td>{[u.firstName, u.lastName].filter(Boolean).join(' ') || '—'}</td>
              <td>{u.canLogIn ? 'yes' : 'no'}</td>
              <td>{when(u.previousSecretExpiresAt)}</td>
              <td>{when(u.createdDate)}</td>
              {canChange && (
                <td>
                  <button type="button" disabled={action.busy} onClick={() => void rotateUser(u)}>
                    Rotate secret
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>

      {canChange && (
        <div className="columns">
          <form className="card" onSubmit={addUser} aria-label="Add a user">
            <h2>Add a user</h2>
            <label>
              Email
              <input type="email" required value={user.email} onChange={(e) => setUser({ ...user, email: e.target.value })} />
            </label>
            <label>
              Password (optional)
              <input type="password" autoComplete="new-password" value={user.password} onChange={(e) => setUser({ ...user, password: e.target.value })} />
            </label>
            <button type="submit" disabled={action.busy}>
              Add user
            </button>
          </form>
          <form className="card" onSubmit={setRateLimit} aria-label="Rate limit">
            <h2>Hub-call rate limit</h2>
            <label>
              Requests per second
              <input type="number" min="0.01" step="any" required value={limit.requestsPerSecond} onChange={(e) => setLimit({ ...limit, requestsPerSecond: e.target.value })} />
            </label>
            <label>
              Burst
              <input type="number" min="1" step="1" required value={limit.burst} onChange={(e) => setLimit({ ...limit, burst: e.target.value })} />
            </label>
            <button type="submit" disabled={action.busy}>
              Set limit
            </button>{' '}
            <button type="button" disabled={action.busy || !o.rateLimit} onClick={() => void action.run(() => change('DELETE', `/organizations/${id}/rate-limit`), done('Rate limit removed.'))}>
              Remove limit
            </button>
          </form>
          <form className="card" onSubmit={rename} aria-label="Rename">
            <h2>Rename</h2>
            <label>
              New name
              <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <button type="submit" disabled={action.busy}>
              Rename
            </button>
          </form>
        </div>
      )}
    </section>
  );
}
