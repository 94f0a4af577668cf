import { useRef, useState } from 'react';
import { errorMessage, type Signature } from '../../api-client.ts';

/**
 * The state of a dialog that records a signed act (signing, withdrawing): the password typed
 * again, whether the request is under way, the server's refusal, and the signature it recorded.
 * After a refusal the password is cleared and focused, ready to be typed again.
 */
export function useSignedAct(onRecorded: (signature: Signature) => void) {
  const password = useRef<HTMLInputElement>(null);
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [recorded, setRecorded] = useState<Signature | null>(null);

  /** Sends the act with the password as typed; shows what the server recorded or refused. */
  async function run(act: (password: string) => Promise<Signature>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const signature = await act(secret);
      setRecorded(signature);
      onRecorded(signature);
    } catch (caught) {
      setError(errorMessage(caught));
      setSecret('');
      password.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return { password, secret, setSecret, busy, error, setError, recorded, run };
}
