import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { checkToken } from '../api-client.ts';
import { ProblemMessage } from '../components/problem-message.tsx';
import { useDocumentTitle } from '../use-document-title.ts';

interface SignInPageProps {
  /** Why the reader is here again (a token the server stopped accepting), if anything. */
  notice: string | null;
  onSignedIn: (token: string) => void;
}

export const TOKEN_REJECTED = 'That token was not accepted. Check it and try again.';

export function SignInPage({ notice, onSignedIn }: SignInPageProps) {
  useDocumentTitle('Sign in');
  const inputId = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [token, setToken] = useState('');
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(notice);

  useEffect(() => {
    input.current?.focus();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError('Enter an API token.');
      input.current?.focus();
      return;
    }
    setChecking(true);
    setError(null);
    const problem = await checkToken(candidate);
    setChecking(false);
    if (problem === null) {
      onSignedIn(candidate);
      return;
    }
    setError(problem.status === 401 ? TOKEN_REJECTED : problem.message);
    input.current?.select();
  }

  return (
    <section className="sign-in" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in to Dossier</h1>
      <p className="muted">
        Dossier keeps the record, the evidence and the approvals of every release. Enter an API
        token to read them.
      </p>
      {error && <ProblemMessage>{error}</ProblemMessage>}
      <form className="sign-in-form" onSubmit={submit} noValidate>
        <label htmlFor={inputId}>API token</label>
        <input
          id={inputId}
          ref={input}
          type="password"
          name="token"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={hintId}
          aria-invalid={error !== null}
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <p id={hintId} className="hint">
          The token is kept in this browser tab only, and sent only to this server.
        </p>
        <button type="submit" className="button button-primary" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
