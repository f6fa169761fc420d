import { useId, type ComponentProps } from 'react';
import type { MethodName } from '../../../shared/contract';
import { useRefusal } from '../queries/host-info';
import { Button } from './Button';
import './ActionButton.css';

interface ActionButtonProps extends ComponentProps<typeof Button> {
  /** The host method the action calls: when this console may not, the button is disabled and says why. */
  method: MethodName;
}

/** A button for an action the host may refuse to this console: disabled with the reason beside it, never answered FORBIDDEN after the click. */
export function ActionButton({ method, disabled, ...rest }: ActionButtonProps) {
  const refusal = useRefusal(method);
  const reasonId = useId();
  if (refusal === null) return <Button disabled={disabled} {...rest} />;
  return (
    <span className="action-refused">
      <Button {...rest} disabled aria-describedby={reasonId} />
      <span id={reasonId} className="action-refused__why">
        {refusal}
      </span>
    </span>
  );
}
