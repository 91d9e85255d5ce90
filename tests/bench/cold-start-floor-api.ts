/**
 * The floor under the API Lambda's cold init: the bare Hono app plus the AWS
 * SDK packages the API imports, with the clients its composition root builds
 * at init. No zapfleet code: what the API adds above this is ours.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const dynamodb = new DynamoDBClient({});
const clients = [DynamoDBDocumentClient.from(dynamodb), new S3Client({}), new SecretsManagerClient({})];
const app = new Hono();
app.get('/v1/health', (c) => c.json({ status: 'ok', clients: clients.length, presign: typeof getSignedUrl }));

export const handler = handle(app);
