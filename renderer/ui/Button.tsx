import type { ButtonHTMLAttributes } from 'react';

/** A button with the app's two looks; `primary` for the one main action of a view. */
export function Button({ variant = 'secondary', className, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' }) {
  return <button type="button" className={['button', `button-${variant}`, className].filter(Boolean).join(' ')} {...props} />;
}
