import { z } from 'zod';
import { SESSION_ID_PATTERN } from './ids.ts';
import { DESIRED_STATES, SESSION_STATUSES } from './session-status.ts';

/**
 * The session record: one item per session in the sessions table. The API
 * writes identity, `desired` and assignment; the owning host writes `status`,
 * `qr`, `me`, `epoch` (fenced on owner + epoch).
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const SESSION_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,62}[A-Za-z0-9._-])?$/;
/** Digits only, no leading zero, 7–15 digits (E.164 without the plus). */
export const PHONE_NUMBER_PATTERN = /^[1-9][0-9]{6,14}$/;

export const METADATA_LIMITS = { maxKeys: 32, maxKeyLength: 64, maxStringLength: 512, maxBytes: 2048 };

export const tenantIdSchema = z.string().regex(TENANT_ID_PATTERN);
export const sessionIdSchema = z.string().regex(SESSION_ID_PATTERN);
export const sessionNameSchema = z.string().regex(SESSION_NAME_PATTERN);
/** Accepts `+` and the usual separators from a caller, normalizes to digits. */
export const phoneNumberSchema = z
  .string()
  .max(32)
  .transform((v) => v.replace(/[\s().-]/g, '').replace(/^\+/, ''))
  .pipe(z.string().regex(PHONE_NUMBER_PATTERN, 'expected a phone number in international format'));

/**
 * Numbers a DynamoDB item can hold exactly and the SDK marshals: safe integers,
 * or fractions not so small they underflow (found by the route fuzzer).
 */
const storableNumber = z
  .number()
  .refine((n) => (Number.isInteger(n) ? Number.isSafeInteger(n) : Math.abs(n) >= 1e-100), {
    message: 'numbers must be safe integers or decimals of reasonable precision',
  });

const metadataValue = z.union([
  z.string().max(METADATA_LIMITS.maxStringLength),
  storableNumber,
  z.boolean(),
  z.null(),
]);
export const metadataSchema = z
  .record(z.string().min(1).max(METADATA_LIMITS.maxKeyLength), metadataValue)
  .refine((m) => Object.keys(m).length <= METADATA_LIMITS.maxKeys, {
    message: `at most ${METADATA_LIMITS.maxKeys} keys`,
  })
  .refine((m) => new TextEncoder().encode(JSON.stringify(m)).length <= METADATA_LIMITS.maxBytes, {
    message: `at most ${METADATA_LIMITS.maxBytes} bytes as JSON`,
  });

const isoDate = z.iso.datetime();
const statusReasonSchema = z.object({ code: z.string(), message: z.string(), action: z.string() });

export const sessionRecordSchema = z.object({
  sessionId: sessionIdSchema,
  tenantId: tenantIdSchema,
  name: sessionNameSchema.optional(),
  phoneNumber: z.string().regex(PHONE_NUMBER_PATTERN).optional(),
  metadata: metadataSchema.optional(),
  createdAt: isoDate,
  updatedAt: isoDate,
  createdKey: z.string(),
  desired: z.enum(DESIRED_STATES),
  status: z.enum(SESSION_STATUSES),
  statusReason: statusReasonSchema.optional(),
  ownerHostId: z.string().min(1).optional(),
  epoch: z.number().int().min(0),
  qr: z.object({ value: z.string(), seq: z.number().int().min(0), expiresAt: isoDate }).optional(),
  me: z.object({ jid: z.string(), phoneNumber: z.string(), name: z.string().optional() }).optional(),
  logoutRequested: z.boolean().optional(),
  restartRequested: z.string().optional(),
});

export type SessionRecord = z.infer<typeof sessionRecordSchema>;
export type Metadata = z.infer<typeof metadataSchema>;

export interface NewSession {
  readonly tenantId: string;
  readonly name?: string | undefined;
  readonly phoneNumber?: string | undefined;
  readonly metadata?: Metadata | undefined;
}

export function createdKeyOf(createdAt: string, sessionId: string): string {
  return `${createdAt}#${sessionId}`;
}

/** A fresh record: stopped, unowned, epoch 0. */
export function newSessionRecord(input: NewSession, sessionId: string, now: Date): SessionRecord {
  const createdAt = now.toISOString();
  return {
    sessionId,
    tenantId: input.tenantId,
    ...(input.name !== undefined && { name: input.name }),
    ...(input.phoneNumber !== undefined && { phoneNumber: input.phoneNumber }),
    ...(input.metadata !== undefined && { metadata: input.metadata }),
    createdAt,
    updatedAt: createdAt,
    createdKey: createdKeyOf(createdAt, sessionId),
    desired: 'STOPPED',
    status: 'STOPPED',
    epoch: 0,
  };
}

/** The key that makes a name unique inside a tenant (sessionNames table). */
export function tenantNameKey(tenantId: string, name: string): string {
  return `${tenantId}#${name}`;
}
