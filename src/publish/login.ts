// Logging Helm in to the destination registry before the first push, or
// saying the push is anonymous: the release and the mirror log in alike.
import * as core from '@actions/core'
import type { Connection } from '../helm/cli.js'
import type { RegistryInputs } from '../inputs/registry.js'
import type { Note } from '../record/run.js'
import { connection } from './target.js'

/** What logging in needs of Helm. */
export interface HelmLogin {
  login(
    host: string,
    username: string,
    password: string,
    connection: Connection
  ): Promise<void>
}

/** `helm registry login` with the registry inputs; without a password, a note. */
export async function logIn(
  helm: HelmLogin,
  config: RegistryInputs
): Promise<Note> {
  if (!config.password) {
    core.info('No password given: pushing anonymously.')
    return 'Registry login: no password given'
  }
  await helm.login(
    config.registry,
    config.username,
    config.password,
    connection(config)
  )
  core.info(`Logged in to ${config.registry} as ${config.username}.`)
  return undefined
}
