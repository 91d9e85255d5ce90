/**
 * The floor under the WebSocket Lambda's cold init: the AWS SDK packages it
 * imports, with the clients its composition root builds at init, behind a
 * one-line handler. No zapfleet code: what the WebSocket Lambda adds above this is ours.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const clients = [
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  new ApiGatewayManagementApiClient({ endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/live' }),
];

export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 200,
  body: String(clients.length),
});
