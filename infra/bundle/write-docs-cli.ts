/**
 * `tsx infra/bundle/write-docs-cli.ts <dir>`: copies the API reference's
 * files (swagger-ui-dist's and ours) into <dir>. CDK runs it after bundling
 * the dashboard Lambda, which serves /docs from them; the API Lambda never
 * carries them (its bundle budget).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OWN_DOCS_FILES, SWAGGER_FILES, swaggerUiDir } from '../../functions/dashboard/serve/docs-app.ts';

const OWN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'functions', 'dashboard', 'docs');

export function writeDocs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of SWAGGER_FILES) copyFileSync(join(swaggerUiDir(), name), join(dir, name));
  for (const name of OWN_DOCS_FILES) copyFileSync(join(OWN_DIR, name), join(dir, name));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: tsx infra/bundle/write-docs-cli.ts <output dir>');
    process.exit(2);
  }
  writeDocs(dir);
}
