// `helm version`: what a Helm binary says it is. Run on every download
// before it is cached, and for `helm-version: system`.
import { getExecOutput } from '@actions/exec'
// semver's functions one by one: its index loads all of semver on every run.
import semverValid from 'semver/functions/valid.js'
import { UserError } from '../errors.js'
import { childEnv } from '../process-env.js'

/** Fails unless `helm version` prints the expected version. */
export async function expectVersion(
  binary: string,
  expected: string,
  origin: string
): Promise<void> {
  const actual = await reportedVersion(binary)
  if (actual !== expected) {
    throw new UserError(
      `The helm from ${origin} (${binary}) reports version ${actual}, ` +
        `expected ${expected}.`
    )
  }
}

/** The version `helm version` prints, without `v`. */
export async function reportedVersion(binary: string): Promise<string> {
  const out = await getExecOutput(
    binary,
    ['version', '--template', '{{.Version}}'],
    { silent: true, ignoreReturnCode: true, env: childEnv() }
  )
  const text = out.stdout.trim()
  const version = semverValid(text.replace(/^v/, ''))
  if (out.exitCode !== 0 || !version) {
    throw new UserError(
      `'${binary} version' did not report a version ` +
        `(exit code ${out.exitCode}): ${(out.stderr || text).trim()}`
    )
  }
  return version
}
