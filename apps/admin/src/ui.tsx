import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { ApiError, type Role } from './api';

export const OperatorContext = createContext<{ email: string; role: Role }>({ email: '', role: 'support' });
/** Support operators read everything and change nothing: the app hides what they cannot do. */
export const useCanChange = () => useContext(OperatorContext).role === 'admin';

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` when `key` changes (and on reload()); keeps the previous data while reloading. */
export function useLoad<T>(load: () => Promise<T>, key: string, refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loader.current().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  useEffect(() => {
    if (!refreshMs) return undefined;
    const timer = window.setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => window.clearInterval(timer);
  }, [refreshMs]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Runs a change: busy while it runs, its error shown, then `done`. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async <T,>(work: () => Promise<T>, done?: (result: T) => void) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await work();
      done?.(result);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  const status = error instanceof ApiError && error.status ? `${error.status}: ` : '';
  return (
    <div className="error" role="alert">
      {status}
      {message}
      {requestId && <span className="request-id"> (request {requestId})</span>}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="notice" role="status">
      {children}
    </div>
  );
}

/** Secrets the hub shows once: the operator copies them now. */
export function SecretBox({ title, secrets, onClose }: { title: string; secrets: [string, string][]; onClose: () => void }) {
  return (
    <div className="secret-box" role="region" aria-label={title}>
      <strong>{title}</strong>
      <p>Shown once: the hub keeps them hashed and encrypted and cannot show them again. Copy them now.</p>
      <dl>
        {secrets.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <code>{value}</code>
            </dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        I have copied them
      </button>
    </div>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous
      </button>
      <span>
        Page {page} of {pages} · {total} in all
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </nav>
  );
}

export function Badge({ kind, children }: { kind: 'ok' | 'warn' | 'bad' | 'off'; children: ReactNode }) {
  return <span className={`badge badge-${kind}`}>{children}</span>;
}

export const deliveryBadge = (status: string) => {
  const kind = status === 'delivered' ? 'ok' : status === 'failed' ? 'bad' : status === 'retry' ? 'warn' : 'off';
  return <Badge kind={kind}>{status}</Badge>;
};

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
