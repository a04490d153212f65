/** A failed call, in words, with a way to dismiss it. */
export function ErrorBanner({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <p role="alert" className="banner banner-critical">
      {message}{' '}
      <button type="button" className="link" onClick={onDismiss}>
        Dismiss
      </button>
    </p>
  );
}
