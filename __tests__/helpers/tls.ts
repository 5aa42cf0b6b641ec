// Real certificates for the TLS tests, made with the `openssl` CLI (argument
// arrays, no shell): a private CA, a server certificate it signs for the
// loopback names, and a self-signed RSA certificate for a token signer.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export interface ServerCertificate {
  /** PEM of the CA that signed the server certificate (the `ca-file`). */
  caFile: string
  caKeyFile: string
  /** PEM server certificate and its key (for the registry's `http.tls`). */
  certFile: string
  keyFile: string
}

export interface SigningCertificate {
  /** PEM RSA private key. */
  keyFile: string
  /** PEM self-signed certificate of that key (a registry `rootcertbundle`). */
  certFile: string
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

/**
 * Writes a CA and a server certificate valid for 127.0.0.1, ::1, localhost and
 * `extraNames` (DNS names, e.g. a name only a test proxy resolves) into `dir`.
 */
export function makeServerCertificate(
  dir: string,
  extraNames: string[] = []
): ServerCertificate {
  fs.mkdirSync(dir, { recursive: true })
  const files: ServerCertificate = {
    caFile: path.join(dir, 'ca.crt'),
    caKeyFile: path.join(dir, 'ca.key'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key')
  }
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-subj',
      '/CN=helm-oci-release test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      files.caKeyFile,
      '-out',
      files.caFile
    ],
    dir
  )
  const csr = path.join(dir, 'server.csr')
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      files.keyFile,
      '-out',
      csr
    ],
    dir
  )
  const san = ['IP:127.0.0.1', 'IP:::1', 'DNS:localhost']
    .concat(extraNames.map(name => `DNS:${name}`))
    .join(',')
  const ext = path.join(dir, 'server.ext')
  fs.writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${san}`,
      ''
    ].join('\n')
  )
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      files.caFile,
      '-CAkey',
      files.caKeyFile,
      '-CAcreateserial',
      '-sha256',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      files.certFile
    ],
    dir
  )
  return files
}

/** Writes an RSA key and a self-signed certificate for it (a JWT signer). */
export function makeSigningCertificate(
  dir: string,
  commonName = 'helm-oci-release test token signer'
): SigningCertificate {
  fs.mkdirSync(dir, { recursive: true })
  const files: SigningCertificate = {
    keyFile: path.join(dir, 'signer.key'),
    certFile: path.join(dir, 'signer.crt')
  }
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      files.keyFile,
      '-out',
      files.certFile
    ],
    dir
  )
  return files
}
