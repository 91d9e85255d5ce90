/**
 * The base URL the control plane uses to reach this host's internal endpoint:
 * the configured one, else the task's private IP from the ECS task metadata
 * endpoint (v4), else loopback for a host on a developer's machine.
 */
export async function advertisedEndpoint(
  configured: string | undefined,
  port: number,
  ecsMetadataUri: string | undefined,
): Promise<string> {
  if (configured) return configured;
  if (!ecsMetadataUri) return `http://127.0.0.1:${port}`;
  const response = await fetch(ecsMetadataUri, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`ECS task metadata answered ${response.status}`);
  const body = (await response.json()) as { Networks?: { IPv4Addresses?: string[] }[] };
  const ip = body.Networks?.[0]?.IPv4Addresses?.[0];
  if (!ip) throw new Error('ECS task metadata has no private IPv4 address');
  return `http://${ip}:${port}`;
}
