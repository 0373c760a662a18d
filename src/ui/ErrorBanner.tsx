// An error banner: what failed and why, with a Dismiss button.

interface Props {
  /** What failed, in a word ("Model", "Photos"). */
  title: string;
  message: string;
  onDismiss: () => void;
}

export function ErrorBanner({ title, message, onDismiss }: Props) {
  return (
    <div className="error-banner" role="alert">
      <p>
        <strong>{title}:</strong> {message}
      </p>
      <button type="button" className="ghost" onClick={onDismiss}>
        Dismiss<span className="visually-hidden"> {title.toLowerCase()} error</span>
      </button>
    </div>
  );
}
