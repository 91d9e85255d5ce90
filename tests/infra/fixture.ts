import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { TableId } from '#commons/storage/tables.ts';
import { parseDeploymentConfig } from '../../infra/stacks/deployment-config.ts';
import { createZapfleet, type Zapfleet } from '../../infra/stacks/zapfleet.ts';

export interface SynthesizedZapfleet {
  readonly stacks: Zapfleet;
  readonly data: Template;
  readonly network: Template;
  readonly api: Template;
  readonly fleet: Template;
  readonly observability: Template;
  /** Logical id of a construct's CloudFormation resource in its own stack. */
  readonly logicalId: (construct: IConstruct) => string;
}

/** The real composition of app.ts, with Lambda bundling skipped (no esbuild run, no Docker). */
export function synthZapfleet(context: Record<string, unknown> = {}): SynthesizedZapfleet {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-stack-trace': true, ...context },
    // The built-in CloudFormation validation (a WASM engine, ~5 s per synth) runs in the CLI synth test instead.
    builtinCloudFormationValidation: false,
  });
  const stacks = createZapfleet(
    app,
    parseDeploymentConfig((key) => app.node.tryGetContext(key)),
  );
  const logicalId = (construct: IConstruct): string => {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return (element.stack as Stack).resolve(element.logicalId) as string;
  };
  return {
    stacks,
    data: Template.fromStack(stacks.data),
    network: Template.fromStack(stacks.network),
    api: Template.fromStack(stacks.api),
    fleet: Template.fromStack(stacks.fleet),
    observability: Template.fromStack(stacks.observability),
    logicalId,
  };
}

type Json = unknown;

/**
 * Turns CloudFormation intrinsics into readable strings so IAM assertions can
 * name resources: `<table:sessions>`, `<bucket:auth>`, `<secret:internalToken>`,
 * `<wsApi>`, `{AWS::Region}`. Cross-stack imports are followed to the export.
 */
export function createResolver(z: SynthesizedZapfleet): (value: Json) => string {
  const names = new Map<string, string>();
  for (const [id, table] of Object.entries(z.stacks.data.tables.tables)) {
    names.set(z.logicalId(table), `<table:${id as TableId}>`);
  }
  names.set(z.logicalId(z.stacks.data.authBucket), '<bucket:auth>');
  names.set(z.logicalId(z.stacks.data.mediaBucket), '<bucket:media>');
  names.set(z.logicalId(z.stacks.data.internalToken), '<secret:internalToken>');
  names.set(z.logicalId(z.stacks.api.webSocketApi.api), '<wsApi>');
  names.set(z.logicalId(z.stacks.fleet.hosts.logGroup), '<logs:hosts>');

  const exportsByName = new Map<string, Json>();
  for (const template of [z.data, z.network, z.api, z.fleet]) {
    const outputs = (template.toJSON().Outputs ?? {}) as Record<
      string,
      { Value: Json; Export?: { Name: string } }
    >;
    for (const output of Object.values(outputs)) {
      if (output.Export) exportsByName.set(output.Export.Name, output.Value);
    }
  }
  const nameOf = (logicalId: string): string => names.get(logicalId) ?? `<${logicalId}>`;

  const resolve = (value: Json): string => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const v = value as Record<string, Json>;
      if ('Fn::ImportValue' in v) {
        const exported = exportsByName.get(v['Fn::ImportValue'] as string);
        if (exported === undefined) throw new Error(`unknown import ${JSON.stringify(v)}`);
        return resolve(exported);
      }
      if ('Fn::Join' in v) {
        const [sep, parts] = v['Fn::Join'] as [string, Json[]];
        return parts.map(resolve).join(sep);
      }
      if ('Fn::GetAtt' in v) {
        const [id, attr] = v['Fn::GetAtt'] as [string, string];
        return attr === 'Arn' ? nameOf(id) : `${nameOf(id)}.${attr}`;
      }
      if ('Fn::Sub' in v && typeof v['Fn::Sub'] === 'string') return v['Fn::Sub'];
      if ('Ref' in v) {
        const ref = v.Ref as string;
        return ref.startsWith('AWS::') ? `{${ref}}` : nameOf(ref);
      }
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  };
  return resolve;
}

export interface ResolvedStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: Json;
  readonly effect: string;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every inline statement attached to the role with this logical id in `template`. */
export function statementsOfRole(
  template: Template,
  roleLogicalId: string,
  resolve: (value: Json) => string,
): ResolvedStatement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const statements: ResolvedStatement[] = [];
  for (const policy of Object.values(policies)) {
    const roles = list(policy.Properties.Roles as Json[]).map((r) => (r as { Ref: string }).Ref);
    if (!roles.includes(roleLogicalId)) continue;
    for (const st of policy.Properties.PolicyDocument.Statement as Record<string, Json>[]) {
      statements.push({
        effect: st.Effect as string,
        actions: list(st.Action as string | string[]).sort(),
        resources: list(st.Resource as Json)
          .map(resolve)
          .sort(),
        ...(st.Condition ? { condition: st.Condition } : {}),
      });
    }
  }
  return statements;
}

/** resource → sorted actions, merged over statements: the shape the IAM tests compare exactly. */
export function accessByResource(statements: readonly ResolvedStatement[]): Record<string, string[]> {
  const map: Record<string, Set<string>> = {};
  for (const st of statements) {
    for (const resource of st.resources) {
      map[resource] ??= new Set();
      for (const action of st.actions) map[resource].add(action);
    }
  }
  return Object.fromEntries(Object.entries(map).map(([r, a]) => [r, [...a].sort()]));
}
