import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { TABLES } from '#commons/storage/tables.ts';
import { createResolver, type SynthesizedZapfleet, synthZapfleet } from './fixture.ts';

let z: SynthesizedZapfleet;
let resolve: (value: unknown) => string;
beforeAll(() => {
  z = synthZapfleet();
  resolve = createResolver(z);
});

interface ContainerDefinitionJson {
  StopTimeout: number;
  PortMappings: unknown[];
  HealthCheck: { Command: string[] };
  LogConfiguration: { LogDriver: string; Options: Record<string, unknown> };
  Environment: { Name: string; Value: unknown }[];
  Secrets: { Name: string; ValueFrom: unknown }[];
}

const container = () => {
  const task = Object.values(z.fleet.findResources('AWS::ECS::TaskDefinition'))[0];
  const defs = task?.Properties.ContainerDefinitions as Record<string, unknown>[];
  expect(defs).toHaveLength(1);
  return { task: task?.Properties, def: defs[0] as unknown as ContainerDefinitionJson };
};

describe('network', () => {
  it('has public and private subnets in two AZs, a NAT gateway per AZ, and DynamoDB/S3 gateway endpoints', () => {
    z.network.resourceCountIs('AWS::EC2::Subnet', 4);
    z.network.resourceCountIs('AWS::EC2::NatGateway', 2);
    z.network.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    const services = Object.values(z.network.findResources('AWS::EC2::VPCEndpoint')).map((e) =>
      resolve(e.Properties.ServiceName),
    );
    expect(services.sort()).toEqual([
      'com.amazonaws.{AWS::Region}.dynamodb',
      'com.amazonaws.{AWS::Region}.s3',
    ]);
  });

  it('takes the NAT count from context', () => {
    const single = synthZapfleet({ natGateways: '1' });
    single.network.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('admits only the control-plane security group to the hosts, on 8080', () => {
    const hostSg = z.logicalId(z.stacks.network.hostSecurityGroup);
    const clientSg = z.logicalId(z.stacks.network.hostClientSecurityGroup);
    const ingress = z.network.findResources('AWS::EC2::SecurityGroupIngress');
    expect(Object.values(ingress).map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [hostSg, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [clientSg, 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 8080,
        ToPort: 8080,
      }),
    ]);
    const hostGroup = z.network.toJSON().Resources[hostSg].Properties;
    expect(hostGroup.SecurityGroupIngress).toBeUndefined();
  });
});

describe('session-host service', () => {
  it('is a Fargate service in the private subnets, without public IPs, behind the host security group', () => {
    const service = Object.values(z.fleet.findResources('AWS::ECS::Service'))[0]?.Properties;
    expect(service.LaunchType).toBe('FARGATE');
    const net = service.NetworkConfiguration.AwsvpcConfiguration;
    expect(net.AssignPublicIp).toBe('DISABLED');
    expect((net.Subnets as unknown[]).map(resolve).sort()).toEqual(
      z.stacks.network.vpc.privateSubnets.map((s) => `<${z.logicalId(s)}>`).sort(),
    );
    expect((net.SecurityGroups as unknown[]).map(resolve)).toEqual([
      `<${z.logicalId(z.stacks.network.hostSecurityGroup)}>.GroupId`,
    ]);
  });

  it('deploys at minimum 100 % / maximum 200 % with rollback on a failed deployment', () => {
    z.fleet.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 2,
      DeploymentConfiguration: Match.objectLike({
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
    });
  });

  it('gives the container 120 s to hand off its sessions on stop, a health check and port 8080', () => {
    const { task, def } = container();
    expect(task.RequiresCompatibilities).toEqual(['FARGATE']);
    expect(task.Cpu).toBe('1024');
    expect(task.Memory).toBe('4096');
    expect(task.RuntimePlatform).toEqual({ CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' });
    expect(def.StopTimeout).toBe(120);
    expect(def.PortMappings).toEqual([{ ContainerPort: 8080, Protocol: 'tcp' }]);
    expect(def.HealthCheck.Command.join(' ')).toContain('http://127.0.0.1:8080/healthz');
    expect(def.LogConfiguration.LogDriver).toBe('awslogs');
    expect(def.LogConfiguration.Options['awslogs-group']).toEqual({
      Ref: z.logicalId(z.stacks.fleet.hosts.logGroup),
    });
  });

  it('gets exactly the host variables, and the internal token as an injected secret', () => {
    const { def } = container();
    const env = Object.fromEntries(def.Environment.map((e) => [e.Name, e.Value]));
    expect(Object.keys(env).sort()).toEqual(
      [
        ...Object.values(TABLES).map((t) => t.envName),
        ENV.authBucket,
        ENV.mediaBucket,
        ENV.region,
        ENV.hostPort,
        ENV.hostCapacity,
        ENV.wsManagementEndpoint,
        ENV.logLevel,
        'NODE_OPTIONS',
      ].sort(),
    );
    expect(env[ENV.hostPort]).toBe('8080');
    expect(env[ENV.hostCapacity]).toBe('1000');
    expect(env.NODE_OPTIONS).toBe('--max-old-space-size=3072');
    expect(resolve(env[ENV.wsManagementEndpoint])).toBe(
      'https://<wsApi>.execute-api.{AWS::Region}.{AWS::URLSuffix}/live',
    );
    expect(def.Secrets).toHaveLength(1);
    expect(def.Secrets[0]?.Name).toBe(ENV.internalToken);
    expect(resolve(def.Secrets[0]?.ValueFrom)).toBe('<secret:internalToken>');
  });

  it('passes the WhatsApp URL only when one is configured', () => {
    const fake = synthZapfleet({ waWebSocketUrl: 'wss://fake-wa.internal:8443/ws' });
    const defs = Object.values(fake.fleet.findResources('AWS::ECS::TaskDefinition'))[0]?.Properties
      .ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[];
    expect(defs[0]?.Environment).toContainEqual({
      Name: ENV.waWebSocketUrl,
      Value: 'wss://fake-wa.internal:8443/ws',
    });
    const { def } = container();
    expect(def.Environment.map((e) => e.Name)).not.toContain(ENV.waWebSocketUrl);
  });

  it('builds its image from session-host/Dockerfile with the repository root as context, minus the excludes', () => {
    const assembly = App.of(z.stacks.fleet)?.synth();
    const manifestArtifact = assembly?.artifacts.find(
      (a) => a.id === `${z.stacks.fleet.artifactId}.assets`,
    ) as { file: string } | undefined;
    const manifest = JSON.parse(readFileSync(manifestArtifact?.file ?? '', 'utf8'));
    const images = Object.values(manifest.dockerImages) as {
      source: { directory: string; dockerFile: string; platform: string };
    }[];
    expect(images).toHaveLength(1);
    expect(images[0]?.source.dockerFile).toBe('session-host/Dockerfile');
    expect(images[0]?.source.platform).toBe('linux/amd64');
    const staged = join(assembly?.directory ?? '', images[0]?.source.directory ?? '');
    for (const needed of [
      'package.json',
      'package-lock.json',
      'session-host/Dockerfile',
      'functions/commons',
    ]) {
      expect(existsSync(join(staged, needed)), needed).toBe(true);
    }
    for (const excluded of ['node_modules', 'tests', 'infra', '.git', 'cdk.out']) {
      expect(existsSync(join(staged, excluded)), excluded).toBe(false);
    }
  });
});

describe('autoscaling on sessions per host', () => {
  it('tracks the average SessionsOwned between min and max hosts', () => {
    z.fleet.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 20,
      ScalableDimension: 'ecs:service:DesiredCount',
      ServiceNamespace: 'ecs',
    });
    z.fleet.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 700,
        ScaleInCooldown: 900,
        ScaleOutCooldown: 120,
        CustomizedMetricSpecification: Match.objectLike({
          Namespace: 'Zapfleet',
          MetricName: 'SessionsOwned',
          Statistic: 'Average',
        }),
      }),
    });
  });
});
