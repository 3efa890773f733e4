import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, change, get, onSignedOut, type SessionAnswer, setCsrfToken } from './api';
import { AuditPage } from './pages/audit';
import { ElementsPage } from './pages/elements';
import { FormulaInstancePage, FormulasPage } from './pages/formulas';
import { HealthPage } from './pages/health';
import { InstanceDetailPage } from './pages/instance-detail';
import { InstancesPage } from './pages/instances';
import { LoginPage } from './pages/login';
import { OrganizationDetailPage } from './pages/organization-detail';
import { OrganizationsPage } from './pages/organizations';
import { Link, navigate, useLocation } from './router';
import { ErrorNote, OperatorContext } from './ui';
import './styles.css';

type Operator = SessionAnswer['operator'];

const SECTIONS = [
  ['/organizations', 'Organizations'],
  ['/instances', 'Instances'],
  ['/formulas', 'Formulas'],
  ['/health', 'Health'],
  ['/elements', 'Elements'],
  ['/audit', 'Audit log'],
] as const;

function Page({ path }: { path: string }) {
  let match: RegExpMatchArray | null;
  if ((match = path.match(/^\/organizations\/(\d+)$/))) return <OrganizationDetailPage id={Number(match[1])} />;
  if ((match = path.match(/^\/instances\/(\d+)$/))) return <InstanceDetailPage id={Number(match[1])} />;
  if ((match = path.match(/^\/formulas\/instances\/(\d+)$/))) return <FormulaInstancePage id={Number(match[1])} />;
  switch (path) {
    case '/organizations':
      return <OrganizationsPage />;
    case '/instances':
      return <InstancesPage />;
    case '/formulas':
      return <FormulasPage />;
    case '/health':
      return <HealthPage />;
    case '/elements':
      return <ElementsPage />;
    case '/audit':
      return <AuditPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page at <code>{path}</code>. <Link to="/organizations">Organizations</Link>
          </p>
        </section>
      );
  }
}

function App() {
  const [operator, setOperator] = useState<Operator | null | undefined>(undefined);
  const [ended, setEnded] = useState<string>();
  const [error, setError] = useState<unknown>();
  const { path } = useLocation();

  const signedIn = (answer: SessionAnswer) => {
    setCsrfToken(answer.csrfToken);
    setOperator(answer.operator);
    setEnded(undefined);
  };

  useEffect(() => {
    onSignedOut((reason) => {
      setCsrfToken('');
      setOperator(null);
      setEnded(reason);
    });
    // A reloaded page has only the cookie: the session answers the operator and its CSRF token.
    get<SessionAnswer>('/session').then(signedIn, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) setOperator(null);
      else setError(e);
    });
  }, []);

  useEffect(() => {
    if (operator && (path === '/' || path === '/login')) navigate('/organizations');
  }, [operator, path]);

  const signOut = async () => {
    try {
      await change('DELETE', '/session');
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        setError(e);
        return;
      }
    }
    setCsrfToken('');
    setOperator(null);
    setEnded('Signed out.');
    navigate('/login');
  };

  if (operator === undefined) {
    return error ? <ErrorNote error={error} /> : <p className="loading">Loading…</p>;
  }
  if (operator === null) return <LoginPage onSignedIn={signedIn} notice={ended} />;

  return (
    <OperatorContext.Provider value={operator}>
      <header className="top">
        <span className="brand">Messaging Hub · Admin</span>
        <nav aria-label="Sections">
          {SECTIONS.map(([to, label]) => (
            <Link key={to} to={to} className={path.startsWith(to) ? 'current' : undefined} aria-current={path.startsWith(to) ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <span className="who">
          {operator.email} ({operator.role})
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main>
        <ErrorNote error={error} />
        <Page path={path} />
      </main>
    </OperatorContext.Provider>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
