import { Stack, type StackProps } from 'aws-cdk-lib';
import {
  GatewayVpcEndpointAwsService,
  type ISecurityGroup,
  type IVpc,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

export interface NetworkStackProps extends StackProps {
  /** NAT gateways: the hosts need outbound internet to reach WhatsApp. */
  readonly natGateways: number;
  /** Port of the hosts' internal endpoint. */
  readonly hostPort: number;
}

/**
 * The fleet's network, in its own stack because both the API (its Lambdas
 * call the hosts) and the fleet (which needs the WebSocket stage) use it;
 * inside either, the two would depend on each other.
 */
export class NetworkStack extends Stack {
  readonly vpc: IVpc;
  /** Attached to the session hosts. */
  readonly hostSecurityGroup: ISecurityGroup;
  /** Attached to whatever calls the hosts' internal endpoint; the only way in. */
  readonly hostClientSecurityGroup: ISecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      // Free, and they keep DynamoDB and S3 traffic (auth-state writes) off the NAT's per-GB charge.
      gatewayEndpoints: {
        DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: GatewayVpcEndpointAwsService.S3 },
      },
    });
    this.hostSecurityGroup = new SecurityGroup(this, 'HostSecurityGroup', {
      vpc: this.vpc,
      description: 'zapfleet session hosts',
      allowAllOutbound: true,
    });
    this.hostClientSecurityGroup = new SecurityGroup(this, 'HostClientSecurityGroup', {
      vpc: this.vpc,
      description: 'zapfleet control-plane functions that call session hosts',
      allowAllOutbound: true,
    });
    this.hostSecurityGroup.addIngressRule(
      this.hostClientSecurityGroup,
      Port.tcp(props.hostPort),
      'control plane to host internal endpoint',
    );
  }
}
