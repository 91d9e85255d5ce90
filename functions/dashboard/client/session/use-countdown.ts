import { useEffect, useState } from 'preact/hooks';

/** Whole seconds left until `expiresAt` (0 once past), updated every second. */
export function useCountdown(expiresAt: string | undefined): number | undefined {
  const left = (): number | undefined =>
    expiresAt === undefined ? undefined : Math.max(0, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (expiresAt === undefined) return;
    const timer = setInterval(() => {
      const next = left();
      setSeconds(next);
      if (next === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  return seconds;
}
