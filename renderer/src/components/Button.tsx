import type { ButtonHTMLAttributes, ReactNode } from 'react';
import './Button.css';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: 'normal' | 'small';
  busy?: boolean;
}

/** A real <button> (type="button" unless told): keyboard and screen readers get it for free. */
export function Button({ variant = 'secondary', size = 'normal', busy = false, className, type = 'button', disabled, children, ...rest }: ButtonProps) {
  const classes = ['button', `button--${variant}`, size === 'small' ? 'button--small' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <button type={type} className={classes} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <span className="button__spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** A link styled as a button: for actions that take you to another view. */
export function ButtonLink({ href, variant = 'secondary', children }: { href: string; variant?: Variant; children: ReactNode }) {
  return (
    <a className={`button button--${variant}`} href={href}>
      {children}
    </a>
  );
}
