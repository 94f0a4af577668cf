import { forwardRef, useId } from 'react';

interface PasswordAgainProps {
  /** "to sign", "to withdraw": what the password is asked for. */
  purpose: string;
  value: string;
  onChange: (value: string) => void;
}

/**
 * The password asked again at the moment of a signed act (21 CFR 11.200(a)), even inside a
 * session. The dialog opens on it; after a refusal the dialog clears it and focuses it again.
 */
export const PasswordAgain = forwardRef<HTMLInputElement, PasswordAgainProps>(
  function PasswordAgain({ purpose, value, onChange }, ref) {
    const id = useId();
    return (
      <>
        <label htmlFor={id}>Your password ({purpose})</label>
        <input
          id={id}
          ref={ref}
          type="password"
          autoComplete="current-password"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the dialog opens to ask for exactly this
          autoFocus
          required
        />
      </>
    );
  },
);
