import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class TestCaError extends Error {}

/** A throwaway CA and a server certificate for 127.0.0.1 it signed, in a private tmp dir. */
export interface TestCa {
  /** The tmp dir holding the keys and certs (mode 0700); `remove()` deletes it. */
  readonly dir: string;
  /** PEM of the CA certificate: what a client adds to its trusted `ca` list. */
  readonly caFile: string;
  readonly caPem: string;
  /** The server's key and certificate (SAN IP:127.0.0.1), for `https.createServer`. */
  readonly keyPem: string;
  readonly certPem: string;
  remove(): Promise<void>;
}

// Our own config, so the machine's openssl.cnf defaults cannot add or duplicate extensions.
const CONFIG = `[req]
distinguished_name = dn
prompt = no
x509_extensions = ca_ext
[dn]
CN = zapfleet fake WhatsApp media test CA
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const error = err as NodeJS.ErrnoException & { stderr?: string };
    if (error.code === 'ENOENT') {
      throw new TestCaError(
        'the fake WhatsApp media host needs the `openssl` CLI to make its test CA; install openssl',
      );
    }
    throw new TestCaError(`openssl ${args[0]} failed: ${error.stderr?.trim() || error.message}`);
  }
}

/** Makes an EC P-256 CA and a 127.0.0.1 server cert with the `openssl` CLI (fast: no RSA keygen). */
export async function createTestCa(prefix = 'zapfleet-fake-media-'): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(join(dir, 'openssl.cnf'), CONFIG);
    const ec = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    await Promise.all([
      openssl(['genpkey', ...ec, '-out', 'ca.key'], dir),
      openssl(['genpkey', ...ec, '-out', 'server.key'], dir),
    ]);
    await openssl(
      [
        'req',
        '-config',
        'openssl.cnf',
        '-x509',
        '-new',
        '-key',
        'ca.key',
        '-sha256',
        '-days',
        '30',
        '-out',
        'ca.pem',
      ],
      dir,
    );
    await openssl(
      [
        'req',
        '-config',
        'openssl.cnf',
        '-new',
        '-key',
        'server.key',
        '-subj',
        '/CN=127.0.0.1',
        '-out',
        'server.csr',
      ],
      dir,
    );
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-set_serial',
        `0x${randomBytes(8).toString('hex')}`,
        '-days',
        '30',
        '-sha256',
        '-extfile',
        'openssl.cnf',
        '-extensions',
        'server_ext',
        '-out',
        'server.pem',
      ],
      dir,
    );
    const [caPem, keyPem, certPem] = await Promise.all(
      ['ca.pem', 'server.key', 'server.pem'].map((name) => readFile(join(dir, name), 'utf8')),
    );
    return { dir, caFile: join(dir, 'ca.pem'), caPem: caPem!, keyPem: keyPem!, certPem: certPem!, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
