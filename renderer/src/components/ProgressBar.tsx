import './ProgressBar.css';

interface ProgressBarProps {
  label: string;
  done?: number;
  total?: number;
}

/** Determinate when the host said how far it is, indeterminate (a moving stripe) until then. */
export function ProgressBar({ label, done, total }: ProgressBarProps) {
  const known = done !== undefined && total !== undefined && total > 0;
  const percent = known ? Math.min(100, Math.round((done / total) * 100)) : undefined;
  return (
    <div
      className={`progress-bar${known ? '' : ' progress-bar--indeterminate'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress-bar__fill" style={known ? { width: `${percent}%` } : undefined} />
    </div>
  );
}
