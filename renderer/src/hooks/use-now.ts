import { useEffect, useState } from 'react';

/** The current time, renewed every `intervalMs`, so that "checked 12 s ago" keeps counting. */
export function useNow(intervalMs = 1_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
