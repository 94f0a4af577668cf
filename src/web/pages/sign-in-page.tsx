import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { checkToken, errorMessage, signInWithPassword } from '../api-client.ts';
import { ProblemMessage } from '../components/problem-message.tsx';
import { useDocumentTitle } from '../use-document-title.ts';

interface SignInPageProps {
  /** Why the reader is here again (a token the server stopped accepting), if anything. */
  notice: string | null;
  /** A person signed in: the session is in the browser's cookie now. */
  onSignedIn: () => void;
  /** An operator gave an API token that the server accepted. */
  onToken: (token: string) => void;
}

export const TOKEN_REJECTED = 'That token was not accepted. Check it and try again.';
export const SESSION_ENDED = 'Your session ended. Sign in again to continue.';

/**
 * People sign in with their username and password (a session, which may sign approvals);
 * operators and scripts may use an API token instead (which may read and write, never sign).
 */
export function SignInPage({ notice, onSignedIn, onToken }: SignInPageProps) {
  useDocumentTitle('Sign in');
  const usernameId = useId();
  const passwordId = useId();
  const tokenId = useId();
  const hintId = useId();
  const usernameInput = useRef<HTMLInputElement>(null);
  const tokenInput = useRef<HTMLInputElement>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(notice);

  useEffect(() => {
    usernameInput.current?.focus();
  }, []);

  async function submitPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      usernameInput.current?.focus();
      return;
    }
    setChecking(true);
    setError(null);
    try {
      await signInWithPassword(username.trim(), password);
      setPassword('');
      onSignedIn();
    } catch (caught) {
      setError(errorMessage(caught));
      setPassword('');
    } finally {
      setChecking(false);
    }
  }

  async function submitToken(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError('Enter an API token.');
      tokenInput.current?.focus();
      return;
    }
    setChecking(true);
    setError(null);
    const problem = await checkToken(candidate);
    setChecking(false);
    if (problem === null) {
      onToken(candidate);
      return;
    }
    setError(problem.status === 401 ? TOKEN_REJECTED : problem.message);
    tokenInput.current?.select();
  }

  return (
    <section className="sign-in" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in to Dossier</h1>
      <p className="muted">
        Dossier keeps the record, the evidence and the approvals of every release.
      </p>
      {error && <ProblemMessage>{error}</ProblemMessage>}
      <form className="sign-in-form" onSubmit={submitPassword} noValidate>
        <label htmlFor={usernameId}>Username</label>
        <input
          id={usernameId}
          ref={usernameInput}
          type="text"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <label htmlFor={passwordId}>Password</label>
        <input
          id={passwordId}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {/* Open when it was a token that stopped being accepted: the operator signs in again there. */}
      <details className="token-sign-in" open={notice === TOKEN_REJECTED}>
        <summary className="disclosure">Operators: use an API token</summary>
        <form className="sign-in-form" onSubmit={submitToken} noValidate>
          <label htmlFor={tokenId}>API token</label>
          <input
            id={tokenId}
            ref={tokenInput}
            type="password"
            name="token"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={hintId}
            value={token}
            onChange={(event) => setToken(event.target.value)}
          />
          <p id={hintId} className="hint">
            The token is kept in this browser tab only, and sent only to this server. A token can
            read and write, but only a person signed in with a password can sign an approval.
          </p>
          <button type="submit" className="button" disabled={checking}>
            Use API token
          </button>
        </form>
      </details>
    </section>
  );
}
