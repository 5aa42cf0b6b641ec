// `helm template` for the pull request's preview: the one Helm command that
// runs what the GitOps repository wrote. It runs isolated (isolation.ts:
// an environment and folders of its own, no network, bounded memory), with
// a deadline and an output bound, its arguments checked (template-args.ts).
// A failure is returned, not thrown: a chart that does not render is a finding.
import { execFile, type ExecFileException } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import semver from 'semver'
import { templateError } from './cli-output.js'
import type { InstalledHelm } from './installer.js'
import {
  describeIsolation,
  isolatedEnv,
  probeIsolation,
  RENDER_MEMORY_BYTES,
  type Isolation
} from './isolation.js'
import {
  templateArgs,
  templateRequestProblem,
  type TemplateRequest
} from './template-args.js'

export type { TemplateRequest } from './template-args.js'

export interface TemplateLimits {
  timeoutMs: number
  /** Bytes of stdout (and of stderr) kept; past it the render fails. */
  maxOutputBytes: number
}

/** One render's bounds: a chart that takes longer or prints more is a finding. */
export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = {
  timeoutMs: 60_000,
  maxOutputBytes: 32 * 1024 * 1024
}

/** Why Helm was stopped, when it was. */
export type TemplateStop = 'time' | 'memory' | 'output'

/** The manifest Helm printed, or why there is none (Helm's error line). */
export type TemplateOutput =
  { manifest: string } | { error: string; stopped?: TemplateStop }

/** What the preview needs of Helm. */
export interface HelmTemplate {
  template(
    request: TemplateRequest,
    limits?: TemplateLimits
  ): Promise<TemplateOutput>
  /** Whether this Helm has `--skip-schema-validation` (3.16 and later). */
  readonly skipsSchemaValidation: boolean
}

// What the Go runtime prints when an allocation fails (the memory bound).
const OUT_OF_MEMORY =
  /^fatal error: (runtime: )?(out of memory|cannot allocate memory)|^fatal error: failed to reserve/m

/**
 * The installed Helm for the preview: what this runner allows is probed once
 * (isolation.ts) and said in the log.
 */
export async function isolatedHelm(
  installed: InstalledHelm
): Promise<IsolatedHelm> {
  const scratch = process.env.RUNNER_TEMP || os.tmpdir()
  const isolation = await probeIsolation(installed.path, scratch)
  core.info(describeIsolation(isolation))
  return new IsolatedHelm(installed.path, installed.version, isolation, scratch)
}

/** The installed Helm, run isolated for each render. */
export class IsolatedHelm implements HelmTemplate {
  /**
   * @param scratch where each render's empty folders are made (and removed).
   * @param base the runner's environment, of which only the allow-list is kept.
   */
  constructor(
    readonly binary: string,
    readonly version: string,
    readonly isolation: Isolation,
    private readonly scratch: string,
    private readonly base: NodeJS.ProcessEnv = process.env
  ) {}

  /** `--skip-schema-validation` came with Helm 3.16.0. */
  get skipsSchemaValidation(): boolean {
    return semver.gte(semver.coerce(this.version) ?? '0.0.0', '3.16.0')
  }

  /**
   * `helm template` in empty folders made for this render alone, through
   * the isolation's prefix; a request with a value Helm must not get is not
   * run. Never throws for Helm's sake: a failure is the result.
   */
  async template(
    request: TemplateRequest,
    limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS
  ): Promise<TemplateOutput> {
    const problem = templateRequestProblem(request)
    if (problem) return { error: `helm template not run: ${problem}` }
    fs.mkdirSync(this.scratch, { recursive: true })
    const home = fs.mkdtempSync(
      path.join(this.scratch, 'helm-oci-release-helm-')
    )
    try {
      const argv = [
        ...this.isolation.prefix,
        this.binary,
        ...templateArgs(request)
      ]
      const env = isolatedEnv(home, this.base)
      const result = await runBounded(argv, env, home, limits)
      return this.output(result)
    } finally {
      fs.rmSync(home, { recursive: true, force: true })
    }
  }

  private output(result: BoundedResult): TemplateOutput {
    if (result.stopped)
      return {
        error: result.failure ?? 'helm was stopped',
        stopped: result.stopped
      }
    if (result.failure) return { error: result.failure }
    if (result.exitCode === 0) return { manifest: result.stdout }
    if (OUT_OF_MEMORY.test(result.stderr)) {
      const bound = this.isolation.memoryBounded
        ? `more than ${RENDER_MEMORY_BYTES / 1024 / 1024} MiB of memory, the bound of one render`
        : 'more memory than the runner has'
      return {
        error: `helm was stopped: it needed ${bound}`,
        stopped: 'memory'
      }
    }
    return { error: templateError(result) }
  }
}

interface BoundedResult {
  exitCode: number
  stdout: string
  stderr: string
  /** Set when the process could not run, or (with `stopped`) was stopped. */
  failure?: string
  stopped?: TemplateStop
}

/** A child process with a deadline and an output bound, killed past either. */
function runBounded(
  argv: readonly string[],
  env: Record<string, string>,
  cwd: string,
  limits: TemplateLimits
): Promise<BoundedResult> {
  return new Promise(resolve => {
    execFile(
      argv[0],
      argv.slice(1),
      {
        env,
        cwd,
        timeout: limits.timeoutMs,
        maxBuffer: limits.maxOutputBytes,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
        windowsHide: true
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ exitCode: 0, stdout, stderr })
        const exitCode = typeof error.code === 'number' ? error.code : 1
        resolve({ exitCode, stdout, stderr, ...stopReason(error, limits) })
      }
    )
  })
}

function stopReason(
  error: ExecFileException,
  limits: TemplateLimits
): Pick<BoundedResult, 'failure' | 'stopped'> {
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
    return {
      failure: `helm printed more than ${limits.maxOutputBytes} bytes`,
      stopped: 'output'
    }
  if (error.killed)
    return {
      failure: `helm did not finish within ${Math.round(limits.timeoutMs / 1000)} s`,
      stopped: 'time'
    }
  if (typeof error.code === 'string')
    return { failure: `helm could not run: ${error.message}` }
  return {}
}
