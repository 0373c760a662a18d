// An object URL for a blob while a component shows it.
import { useEffect, useState } from 'react';

/** An object URL for a blob while the component shows it; revoked when the blob changes or on unmount. */
export function useObjectUrl(blob: Blob | null): string | null {
  const [state, setState] = useState<{ blob: Blob; url: string } | null>(null);

  useEffect(() => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    setState({ blob, url });
    return () => URL.revokeObjectURL(url);
  }, [blob]);

  return blob && state?.blob === blob ? state.url : null;
}
