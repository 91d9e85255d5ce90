import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '#commons/auth/auth-config.ts';
import { canAccessTenant } from '#commons/auth/principal.ts';
import { createTokenVerifier } from '#commons/auth/token-verifier.ts';
import { ConfigError } from '#commons/config/runtime-config.ts';
import { ForbiddenError, UnauthenticatedError } from '#commons/errors/app-errors.ts';
import { signToken, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET, unsignedToken } from './support/api-harness.ts';

const verifier = createTokenVerifier(
  loadAuthConfig({
    ZAPFLEET_JWT_SECRET: TEST_SECRET,
    ZAPFLEET_JWT_ISSUER: TEST_ISSUER,
    ZAPFLEET_JWT_AUDIENCE: TEST_AUDIENCE,
    ZAPFLEET_OPERATOR_TENANT: 'ops',
  }),
);

describe('verifying HS256 tokens', () => {
  it('returns the principal of a valid token', async () => {
    expect(await verifier.verify(await signToken({ tenant: 'acme', role: 'ADMIN' }))).toEqual({
      tenantId: 'acme',
      role: 'ADMIN',
      subject: 'test-user',
    });
  });

  it('takes the strongest known role from a list claim', async () => {
    const token = await signToken({ tenant: 'ops', role: ['viewer', 'MASTER'] });
    expect((await verifier.verify(token)).role).toBe('MASTER');
  });

  it.each([
    { name: 'a bad signature', make: () => signToken({ tenant: 'acme', secret: `${TEST_SECRET}-other` }) },
    {
      name: 'an expired token',
      make: () => signToken({ tenant: 'acme', expiresIn: Math.floor(Date.now() / 1000) - 60 }),
    },
    { name: 'alg none', make: async () => unsignedToken('acme') },
    { name: 'a wrong issuer', make: () => signToken({ tenant: 'acme', issuer: 'someone-else' }) },
    { name: 'a wrong audience', make: () => signToken({ tenant: 'acme', audience: 'other-api' }) },
    { name: 'no tenant claim', make: () => signToken({}) },
    { name: 'a tenant claim unsafe in keys', make: () => signToken({ tenant: 'acme#x/../y' }) },
    { name: 'garbage', make: async () => 'not.a.jwt' },
  ])('refuses $name as UnauthenticatedError', async ({ make }) => {
    await expect(verifier.verify(await make())).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it.each([{ role: 'VIEWER' }, { role: undefined }, { role: 42 }])(
    'refuses role $role as ForbiddenError',
    async ({ role }) => {
      const token = await signToken({ tenant: 'acme', role });
      await expect(verifier.verify(token)).rejects.toBeInstanceOf(ForbiddenError);
    },
  );

  it('reads configurable claim names', async () => {
    const custom = createTokenVerifier(
      loadAuthConfig({
        ZAPFLEET_JWT_SECRET: TEST_SECRET,
        ZAPFLEET_TENANT_CLAIM: 'org',
        ZAPFLEET_ROLE_CLAIM: 'groups',
      }),
    );
    const token = await new SignJWT({ org: 'acme', groups: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect(await custom.verify(token)).toMatchObject({ tenantId: 'acme', role: 'ADMIN' });
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT({ tenant: 'acme', role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .sign(new TextEncoder().encode(TEST_SECRET));
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('verifying tokens against a JWKS URL', () => {
  let server: ServerType;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const app = new Hono().get('/.well-known/jwks.json', (c) => c.json({ keys: [jwk] }));
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cloud = () =>
    createTokenVerifier(
      loadAuthConfig({
        ZAPFLEET_JWKS_URL: jwksUrl,
        ZAPFLEET_JWT_ISSUER: 'https://idp',
        ZAPFLEET_JWT_AUDIENCE: 'zapfleet',
        ZAPFLEET_OPERATOR_TENANT: 'ops',
      }),
    );
  const rs256 = (claims: Record<string, unknown>, issuer = 'https://idp') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('zapfleet')
      .setExpirationTime('5m')
      .sign(privateKey);

  it('accepts a token signed by a key of the set', async () => {
    expect(await cloud().verify(await rs256({ tenant: 'ops', role: 'MASTER' }))).toMatchObject({
      tenantId: 'ops',
      role: 'MASTER',
    });
  });

  it('refuses a wrong issuer and an HS256 token (no algorithm confusion)', async () => {
    await expect(
      cloud().verify(await rs256({ tenant: 'acme', role: 'ADMIN' }, 'https://evil')),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(cloud().verify(await signToken({ tenant: 'acme' }))).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });
});

describe('auth configuration', () => {
  it.each([
    { name: 'neither secret nor JWKS', env: {} },
    {
      name: 'both secret and JWKS',
      env: { ZAPFLEET_JWT_SECRET: TEST_SECRET, ZAPFLEET_JWKS_URL: 'https://idp/jwks' },
    },
    { name: 'a short secret', env: { ZAPFLEET_JWT_SECRET: 'short' } },
    { name: 'JWKS without issuer and audience', env: { ZAPFLEET_JWKS_URL: 'https://idp/jwks' } },
  ])('fails loudly with $name', ({ env }) => {
    expect(() => loadAuthConfig(env)).toThrow(ConfigError);
  });
});

describe('tenant access', () => {
  it.each([
    { role: 'MASTER' as const, own: 'ops', target: 'acme', allowed: true },
    { role: 'ADMIN' as const, own: 'acme', target: 'acme', allowed: true },
    { role: 'ADMIN' as const, own: 'acme', target: 'globex', allowed: false },
  ])('$role of $own on $target: $allowed', ({ role, own, target, allowed }) => {
    expect(canAccessTenant({ role, tenantId: own }, target)).toBe(allowed);
  });
});
