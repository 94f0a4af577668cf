import { useEffect, useState } from 'react';

interface CopyButtonProps {
  value: string;
  /** What is copied, for the accessible name: "Copy {label}". */
  label: string;
}

type CopyStatus = 'idle' | 'copied' | 'failed';

export function CopyButton({ value, label }: CopyButtonProps) {
  const [status, setStatus] = useState<CopyStatus>('idle');

  useEffect(() => {
    if (status === 'idle') return;
    const timer = window.setTimeout(() => setStatus('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [status]);

  async function copy() {
    setStatus((await writeClipboard(value)) ? 'copied' : 'failed');
  }

  return (
    <>
      <button
        type="button"
        className="button button-small button-quiet"
        aria-label={`Copy ${label}`}
        title={`Copy ${label}`}
        onClick={copy}
      >
        {status === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span className="visually-hidden" role="status">
        {status === 'copied' ? `${label} copied` : status === 'failed' ? 'Copy failed' : ''}
      </span>
    </>
  );
}

async function writeClipboard(text: string): Promise<boolean> {
  // The Clipboard API exists only in secure contexts (https or localhost); a self-hosted server
  // on plain http falls back to a selected textarea and the legacy copy command.
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the legacy path
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'clipboard-scratch';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
