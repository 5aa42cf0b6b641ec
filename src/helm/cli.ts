// The Helm command line the publish uses (login, dependencies, lint, package,
// push), run with argument arrays and its output read by cli-output.ts.
import path from 'node:path'
import * as exec from '@actions/exec'
import { UserError } from '../errors.js'
import { withCommandsStopped } from '../relay.js'
import {
  helmError,
  lintResults,
  parsePushOutput,
  splitPackageOutput,
  type ChartLint,
  type ChartPackage,
  type PushResult
} from './cli-output.js'

export type { ChartLint, ChartPackage, PushResult } from './cli-output.js'

/** How to reach the registry over the wire; applies to login and push alike. */
export interface Connection {
  plainHttp: boolean
  caFile?: string
  insecureSkipTlsVerify: boolean
}

interface RunOptions {
  input?: Buffer
  /** Keep the command's output out of the log (login). */
  quiet?: boolean
  /** Return the output only: the caller splits it per chart. */
  collect?: boolean
}

/**
 * The Helm command line. Every call goes through `run` as an argument array,
 * with the sandboxed environment: no shell, no secret in argv.
 */
export class Helm {
  /**
   * @param transcript when given, Helm's output is collected there instead of
   * streamed, so that charts released side by side keep readable logs.
   */
  constructor(
    readonly binary: string,
    readonly major: number,
    private readonly env: Record<string, string>,
    private readonly transcript?: string[]
  ) {}

  /** What Helm printed, when it was collected. */
  transcriptLines(): readonly string[] {
    return this.transcript ?? []
  }

  /** The same Helm, with its output collected into `transcript`. */
  withTranscript(transcript: string[]): Helm {
    return new Helm(this.binary, this.major, this.env, transcript)
  }

  /**
   * `helm registry login` with the password on stdin. Helm 4 needs
   * `--plain-http` for an HTTP registry; Helm 3 has no such flag and falls back
   * to HTTP by itself. `--insecure` means "skip TLS verification" in both.
   */
  async login(
    host: string,
    username: string,
    password: string,
    connection: Connection
  ): Promise<void> {
    const args = [
      'registry',
      'login',
      host,
      '--username',
      username,
      '--password-stdin'
    ]
    if (connection.plainHttp && this.major >= 4) args.push('--plain-http')
    if (connection.caFile) args.push('--ca-file', connection.caFile)
    if (connection.insecureSkipTlsVerify) args.push('--insecure')
    const result = await this.run(args, {
      input: Buffer.from(password),
      quiet: true
    })
    if (result.exitCode !== 0) {
      throw new UserError(
        `Could not log in to ${host} as '${username}': ${helmError(result)}. ` +
          "Check 'username' and 'password' (a token with permission to push packages)."
      )
    }
  }

  /**
   * `helm repo add`: `dependency build` only downloads from repositories the
   * Helm home knows, and the action's Helm home starts empty.
   */
  async addRepository(name: string, url: string): Promise<void> {
    const result = await this.run(['repo', 'add', name, url, '--force-update'])
    if (result.exitCode !== 0) {
      throw new UserError(
        `Could not add the chart repository ${url} that a dependency comes from: ${helmError(result)}`
      )
    }
  }

  /**
   * `helm dependency build` when Chart.lock pins them, `update` otherwise,
   * with the connection flags OCI dependencies need (see dependency-access.ts).
   * On failure, `explain` may add what to do about Helm's output.
   */
  async buildDependencies(
    chartDir: string,
    hasLock: boolean,
    flags: readonly string[],
    explain: (output: string) => string | undefined = () => undefined
  ): Promise<void> {
    const verb = hasLock ? 'build' : 'update'
    const result = await this.run(['dependency', verb, chartDir, ...flags])
    if (result.exitCode !== 0) {
      const hint = explain(`${result.stdout}\n${result.stderr}`)
      throw new UserError(
        `helm dependency ${verb} failed for ${chartDir}: ${helmError(result)}` +
          (hint ? `\n${hint}` : '')
      )
    }
  }

  /**
   * `helm lint` of several charts in one process: one Helm start for all of
   * them, not one each. Returns each chart's result and part of the output
   * (collected, not streamed). An error refuses that chart; warnings pass.
   * When a failed run cannot be told apart per chart, each is linted alone.
   */
  async lintCharts(chartDirs: readonly string[]): Promise<ChartLint[]> {
    // Without a folder Helm would lint the working directory.
    if (chartDirs.length === 0) return []
    const args = ['lint', ...chartDirs]
    const result = await this.run(args, { collect: true })
    const linted = lintResults(chartDirs, result, this.commandLine(args))
    if (linted) return linted
    // Each chart's own run shows its own command line: the log stays true.
    const alone: ChartLint[] = []
    for (const dir of chartDirs) alone.push(...(await this.lintCharts([dir])))
    return alone
  }

  /**
   * `helm package` of several charts in one process into `destination`.
   * Helm stops at the first chart it cannot package: that one gets the error,
   * and the charts after it go to another run.
   */
  async packageCharts(
    chartDirs: readonly string[],
    destination: string,
    appVersion?: string
  ): Promise<ChartPackage[]> {
    const packaged: ChartPackage[] = []
    let rest = [...chartDirs]
    while (rest.length) {
      const args = ['package', ...rest, '--destination', destination]
      if (appVersion) args.push('--app-version', appVersion)
      const result = await this.run(args, { collect: true })
      const command = this.commandLine(args)
      const split = splitPackageOutput(rest, result)
      for (const part of split.parts) {
        packaged.push({
          dir: part.dir,
          output: [command, ...part.lines],
          path: part.saved && path.resolve(part.saved),
          error:
            part.error && `helm package failed for ${part.dir}: ${part.error}`
        })
      }
      rest = split.rest
    }
    return packaged
  }

  /** `helm package` of one chart; returns the .tgz path (output not shown). */
  async package(
    chartDir: string,
    destination: string,
    appVersion?: string
  ): Promise<string> {
    const [packaged] = await this.packageCharts(
      [chartDir],
      destination,
      appVersion
    )
    if (!packaged.path)
      throw new UserError(
        packaged.error ?? `helm package saved nothing for ${chartDir}`
      )
    return packaged.path
  }

  /**
   * `helm push`. The digest is read from stdout and stderr: Helm 3 and Helm 4
   * before 4.2.1 print `Pushed:`/`Digest:` on stderr, later ones on stdout.
   */
  async push(
    packagePath: string,
    target: string,
    connection: Connection
  ): Promise<PushResult> {
    const args = ['push', packagePath, target]
    if (connection.plainHttp) args.push('--plain-http')
    if (connection.caFile) args.push('--ca-file', connection.caFile)
    if (connection.insecureSkipTlsVerify)
      args.push('--insecure-skip-tls-verify')
    const result = await this.run(args)
    if (result.exitCode !== 0) {
      throw new UserError(`helm push to ${target} failed: ${helmError(result)}`)
    }
    return parsePushOutput(`${result.stdout}\n${result.stderr}`)
  }

  /**
   * Runs Helm. Its output carries text from charts (templates `helm lint`
   * echoes) and registries (error bodies), so when it is streamed to the log,
   * command processing is stopped around it: no line of it can be a workflow
   * command. (@actions/exec writes stderr to stdout too, so both are inside.)
   */
  private async run(
    args: string[],
    options: RunOptions = {}
  ): Promise<exec.ExecOutput> {
    const silent =
      options.quiet || options.collect || this.transcript !== undefined
    const execute = (): Promise<exec.ExecOutput> =>
      exec.getExecOutput(this.binary, args, {
        env: this.env,
        input: options.input,
        silent,
        ignoreReturnCode: true
      })
    const result = silent ? await execute() : await withCommandsStopped(execute)
    if (this.transcript && !options.quiet && !options.collect) {
      this.transcript.push(this.commandLine(args))
      this.transcript.push(
        ...`${result.stdout}${result.stderr}`.trimEnd().split('\n')
      )
    }
    return result
  }

  /** How @actions/exec shows a command it runs. */
  private commandLine(args: readonly string[]): string {
    return `[command]${this.binary} ${args.join(' ')}`
  }
}
