/** "expires in 11 h 59 min" / "expired": how long a token has left, for the header. */
export function formatExpiry(expSeconds: number, nowMs: number): string {
  const left = Math.floor(expSeconds - nowMs / 1000);
  if (left <= 0) return 'expired';
  if (left < 60) return `expires in ${left} s`;
  const minutes = Math.floor(left / 60);
  if (minutes < 60) return `expires in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `expires in ${hours} h ${minutes % 60} min`;
  return `expires in ${Math.floor(hours / 24)} days`;
}
