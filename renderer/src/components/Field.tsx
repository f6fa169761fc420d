import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  help?: ReactNode;
  /** Renders the control with the ids that tie it to its label and its help text. */
  children: (control: { id: string; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled form control with a line of help under it. */
export function Field({ label, help, children }: FieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-describedby': help ? helpId : undefined })}
      {help && (
        <span className="field__help" id={helpId}>
          {help}
        </span>
      )}
    </div>
  );
}
