import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';

/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

export interface DockerStage {
  readonly from: string;
  readonly instructions: readonly DockerInstruction[];
}

export function parseDockerfile(text: string): DockerStage[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: { from: string; instructions: DockerInstruction[] }[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') stages.push({ from: args, instructions: [] });
    else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

/** What the image would run: its working directory, environment and CMD. */
export interface ReplayedImage {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly command: readonly string[];
}

/** `npm ci` (with or without --omit=dev) installs from the lockfile; offline we link the repo's install of that same lockfile. */
const NPM_CI = /^npm ci\b/;

function run(command: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`'${command}' exited ${code}:\n${output}`)),
    );
  });
}

function linkNodeModules(dir: string): void {
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

/**
 * Replays session-host/Dockerfile without Docker, instruction by instruction,
 * into `root`: the build stage's COPYs from the repository and its RUNs in
 * that directory (so the bundle is built by the very command the image runs),
 * then the final stage's COPY --from=build, ENV and CMD. The one substitution:
 * `npm ci` links the repository's node_modules (same lockfile; no network
 * here), so the final stage sees dev packages too — the packaging test checks
 * separately that what the bundle leaves external is a production dependency.
 * Any other instruction fails loudly, so a Dockerfile change cannot slip past.
 */
export async function replayHostImage(root: string): Promise<ReplayedImage> {
  const stages = parseDockerfile(readFileSync(join(REPO_ROOT, 'session-host', 'Dockerfile'), 'utf8'));
  const dirs = new Map<string, string>();
  let result: ReplayedImage | undefined;
  for (const [index, stage] of stages.entries()) {
    const [, name] = stage.from.split(/\s+AS\s+/i);
    const dir = join(root, name ?? `stage${index}`);
    mkdirSync(dir, { recursive: true });
    if (name) dirs.set(name, dir);
    const env: Record<string, string> = {};
    let command: string[] | undefined;
    for (const { keyword, args } of stage.instructions) {
      switch (keyword) {
        case 'WORKDIR':
        case 'USER':
        case 'EXPOSE':
        case 'HEALTHCHECK':
          break;
        case 'ENV': {
          const [key, ...value] = args.split('=');
          env[key as string] = value.join('=');
          break;
        }
        case 'COPY': {
          const parts = args.split(/\s+/);
          const fromFlag = parts[0]?.startsWith('--from=')
            ? parts.shift()?.slice('--from='.length)
            : undefined;
          const dest = parts.pop() as string;
          for (const src of parts) {
            const source = fromFlag
              ? join(dirs.get(fromFlag) ?? '', src.replace(/^\/app\//, ''))
              : join(REPO_ROOT, src);
            const target = join(dir, dest);
            cpSync(source, dest.endsWith('/') && !src.endsWith('/') ? join(target, src) : target, {
              recursive: true,
            });
          }
          break;
        }
        case 'RUN':
          if (NPM_CI.test(args)) linkNodeModules(dir);
          else await run(args, dir);
          break;
        case 'CMD':
          command = JSON.parse(args) as string[];
          break;
        default:
          throw new Error(`replayHostImage does not know the Dockerfile instruction ${keyword}`);
      }
    }
    if (command) result = { cwd: dir, env, command };
  }
  if (!result) throw new Error('session-host/Dockerfile has no CMD');
  return result;
}
