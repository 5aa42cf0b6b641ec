// Small in-memory stand-ins for Helm and the registry, for the orchestration
// unit tests (main.ts, the publish flow). The real ones are tested against a
// real registry and real Helm elsewhere; these record what they were asked.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { UserError } from '../../src/errors.js'
import type {
  ChartLint,
  ChartPackage,
  Connection,
  PushResult
} from '../../src/helm/cli.js'
import type { MainHelm } from '../../src/main.js'
import type { ReleaseReads } from '../../src/release/services.js'
import type { Manifest } from '../../src/registry/client.js'
import { HELM_CHART_LAYER } from '../../src/registry/oci-manifest.js'

/** A registry of manifests held in memory: `repository:tag` -> manifest. */
export class FakeRegistry implements ReleaseReads {
  readonly manifests = new Map<string, Manifest>()
  readonly lookups: string[] = []

  /** Stores a chart manifest whose chart layer is `packageDigest`. */
  put(repository: string, tag: string, packageDigest: string): string {
    const body = Buffer.from(
      JSON.stringify({
        layers: [{ mediaType: HELM_CHART_LAYER, digest: packageDigest }]
      })
    )
    const digest = sha256(body)
    this.manifests.set(`${repository}:${tag}`, {
      digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      body
    })
    return digest
  }

  async manifestDigest(repository: string, tag: string) {
    this.lookups.push(`${repository}:${tag}`)
    return this.manifests.get(`${repository}:${tag}`)?.digest
  }

  async getManifest(repository: string, tag: string) {
    return this.manifests.get(`${repository}:${tag}`)
  }

  /** The tags of `repository`, in the order they were put. */
  async listTags(repository: string) {
    return [...this.manifests.keys()]
      .filter(key => key.startsWith(`${repository}:`))
      .map(key => key.slice(repository.length + 1))
  }

  /** Manifests only: a package or config is never read in these tests. */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    throw new Error(`FakeRegistry holds no blobs (${repository}@${digest})`)
  }

  async getConfig() {
    return undefined
  }
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

export interface FakeHelmOptions {
  /** Push failures to answer first, in order (messages). */
  pushFailures?: string[]
  /** Store the package in the registry even when the push "fails". */
  landDespiteFailure?: boolean
  /** Every chart linted fails with this message. */
  lintError?: string
  /** Lint errors by chart folder name. */
  lintErrors?: Record<string, string>
  /** Package errors by chart folder name. */
  packageErrors?: Record<string, string>
  /** Lint answers once this settles (to see what runs meanwhile). */
  holdLint?: Promise<void>
}

/**
 * Helm that packages by writing a small file and pushes into a FakeRegistry.
 * `calls` lists every command, in order, as `verb arg`.
 */
export class FakeHelm implements MainHelm {
  readonly calls: string[]
  private readonly failures: string[]

  constructor(
    private readonly registry: FakeRegistry,
    private readonly options: FakeHelmOptions = {},
    calls: string[] = [],
    private readonly transcript?: string[]
  ) {
    this.calls = calls
    this.failures = [...(options.pushFailures ?? [])]
  }

  async login(host: string, username: string): Promise<void> {
    this.calls.push(`login ${host} ${username}`)
  }
  async addRepository(_name: string, url: string): Promise<void> {
    this.calls.push(`repo add ${url}`)
  }
  async buildDependencies(chartDir: string, hasLock: boolean): Promise<void> {
    this.calls.push(
      `dependency ${hasLock ? 'build' : 'update'} ${path.basename(chartDir)}`
    )
  }
  async lintCharts(chartDirs: readonly string[]): Promise<ChartLint[]> {
    this.calls.push(`lint ${chartDirs.map(d => path.basename(d)).join(' ')}`)
    await this.options.holdLint
    return chartDirs.map(dir => {
      const name = path.basename(dir)
      const error = this.options.lintErrors?.[name] ?? this.options.lintError
      return {
        dir,
        output: [`==> Linting ${name}`, ...(error ? [`[ERROR] ${error}`] : [])],
        error: error && `helm lint found errors in ${dir}: ${error}`
      }
    })
  }
  /** A result per chart, in order, as the Helm wrapper gives them. */
  async packageCharts(
    chartDirs: readonly string[],
    destination: string
  ): Promise<ChartPackage[]> {
    this.calls.push(`package ${chartDirs.map(d => path.basename(d)).join(' ')}`)
    const packaged: ChartPackage[] = []
    for (const dir of chartDirs) {
      const name = path.basename(dir)
      const error = this.options.packageErrors?.[name]
      if (error) {
        packaged.push({ dir, output: [`Error: ${error}`], error })
        continue
      }
      const chartYaml = fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')
      const version = /^version:\s*(\S+)/m.exec(chartYaml)?.[1] ?? '0.0.0'
      const file = path.join(destination, `${name}-${version}.tgz`)
      fs.writeFileSync(file, `package of ${dir} at ${version}`)
      packaged.push({
        dir,
        output: [`Successfully packaged ${name}`],
        path: file
      })
    }
    return packaged
  }
  async push(
    packagePath: string,
    target: string,
    _connection: Connection
  ): Promise<PushResult> {
    const [, name, version] = /^(.+)-(\d[^-]*(?:-.*)?)\.tgz$/.exec(
      path.basename(packagePath)
    )!
    this.calls.push(`push ${name} ${target}`)
    const repository = `${target.replace(/^oci:\/\/[^/]+\//, '')}/${name}`
    const tag = version.replace('+', '_')
    const failure = this.failures.shift()
    if (failure !== undefined) {
      if (this.options.landDespiteFailure)
        this.registry.put(repository, tag, sha256(fs.readFileSync(packagePath)))
      throw new UserError(`helm push to ${target} failed: ${failure}`)
    }
    const digest = this.registry.put(
      repository,
      tag,
      sha256(fs.readFileSync(packagePath))
    )
    return { pushedRef: `${repository}:${tag}`, digest }
  }
  /** The unit tests of main render nothing (the GitOps step is a fake there). */
  readonly skipsSchemaValidation = true
  async template(): Promise<{ error: string }> {
    this.calls.push('template')
    return { error: 'not rendered in unit tests' }
  }
  withTranscript(transcript: string[]): FakeHelm {
    return new FakeHelm(this.registry, this.options, this.calls, transcript)
  }
  transcriptLines(): readonly string[] {
    return this.transcript ?? []
  }
}
