import type { ReactNode } from 'react';

interface ProblemMessageProps {
  title?: string;
  children: ReactNode;
}

/** An error the reader should see at once: announced to screen readers as it appears. */
export function ProblemMessage({ title, children }: ProblemMessageProps) {
  return (
    <div role="alert" className="notice notice-error">
      {title && <p className="notice-title">{title}</p>}
      <p>{children}</p>
    </div>
  );
}
