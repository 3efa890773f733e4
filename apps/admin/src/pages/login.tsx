import { type FormEvent, useState } from 'react';
import { change, type SessionAnswer } from '../api';
import { ErrorNote, Notice, useAction } from '../ui';

export function LoginPage({ onSignedIn, notice }: { onSignedIn: (answer: SessionAnswer) => void; notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(() => change<SessionAnswer>('POST', '/session', { email, password }), onSignedIn);
  };
  return (
    <main className="login">
      <form onSubmit={submit} className="card" aria-label="Sign in">
        <h1>Messaging Hub · Admin</h1>
        <p>Sign in with your operator account.</p>
        {notice && <Notice>{notice}</Notice>}
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorNote error={action.error} />
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
