// The main step: the inputs first, then the release. A run that stops at its
// inputs (the most common mistake) loads only what reading them needs; the
// steps and their libraries (Helm, the registry client, HTTP) load after.
import * as core from '@actions/core'
import { errorMessage, UserError } from './errors.js'
import { getConfig } from './inputs/release.js'
import type { Services } from './release/services.js'
import { markMainStarted } from './state.js'

export type { MainHelm, Services } from './release/services.js'

/** The main step; tests pass fakes for the outside systems. */
export async function run(services?: Services): Promise<void> {
  markMainStarted()
  try {
    const config = getConfig()
    const { release } = await import('./release/steps.js')
    await release(config, services)
  } catch (error) {
    fail(error)
  }
}

/** A refusal is a message (annotated on the file at fault), never a stack trace. */
function fail(error: unknown): void {
  if (error instanceof UserError && error.file) {
    core.error(error.message, { file: error.file, startLine: error.line })
    process.exitCode = core.ExitCode.Failure
    return
  }
  if (!(error instanceof UserError) && error instanceof Error && error.stack) {
    core.debug(error.stack)
  }
  core.setFailed(errorMessage(error))
}
