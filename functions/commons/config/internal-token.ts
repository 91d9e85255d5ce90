import { z } from 'zod';

/**
 * Shortest internal host credential any side accepts: the API that sends it,
 * the hosts that check it and the local secrets file that generates it.
 */
export const INTERNAL_TOKEN_MIN_LENGTH = 32;

export const internalTokenSchema = z
  .string()
  .min(
    INTERNAL_TOKEN_MIN_LENGTH,
    `the internal host credential needs at least ${INTERNAL_TOKEN_MIN_LENGTH} characters`,
  );
