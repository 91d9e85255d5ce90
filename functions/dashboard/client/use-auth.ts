import { useEffect, useState } from 'preact/hooks';
import { type Auth, currentAuth, onAuthChange } from './auth.ts';

/** The signed-in token (re-rendering on sign-in and sign-out). */
export function useAuth(): Auth | undefined {
  const [auth, setAuth] = useState(() => currentAuth());
  useEffect(() => onAuthChange(setAuth), []);
  return auth;
}
