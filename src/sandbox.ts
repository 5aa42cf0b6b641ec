// The per-run folder where Helm keeps its config, cache and registry
// credentials, so nothing of a run is left in the runner's home.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** The per-run folder where Helm keeps its config, cache and credentials. */
export interface Sandbox {
  root: string
  /** Environment that points Helm (and its Docker fallback) into `root`. */
  env: Record<string, string>
}

const PREFIX = 'helm-oci-release-'

function runnerTemp(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_TEMP || os.tmpdir()
}

/**
 * Creates a fresh folder under RUNNER_TEMP for Helm's config, cache, data and
 * registry credentials. DOCKER_CONFIG points there too: Helm falls back to
 * ~/.docker/config.json and its credential helpers (which may write to the OS
 * keyring), and the user's own ~/.config/helm and ~/.docker stay untouched.
 */
export function createSandbox(env: NodeJS.ProcessEnv = process.env): Sandbox {
  const root = fs.mkdtempSync(path.join(runnerTemp(env), PREFIX))
  fs.chmodSync(root, 0o700)
  const dirs = {
    HELM_CONFIG_HOME: path.join(root, 'helm', 'config'),
    HELM_CACHE_HOME: path.join(root, 'helm', 'cache'),
    HELM_DATA_HOME: path.join(root, 'helm', 'data'),
    DOCKER_CONFIG: path.join(root, 'docker')
  }
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true })
  const registryConfig = path.join(
    dirs.HELM_CONFIG_HOME,
    'registry',
    'config.json'
  )
  writePlaceholderCredentials(registryConfig)
  writePlaceholderCredentials(path.join(dirs.DOCKER_CONFIG, 'config.json'))
  return {
    root,
    env: { ...dirs, HELM_REGISTRY_CONFIG: registryConfig }
  }
}

/**
 * A host no registry has (RFC 2606 `.invalid`): its entry only marks the file
 * as configured. Helm 3.17+ and 4 open both files with oras-go's
 * `credentials.NewStore(path, {DetectDefaultNativeStore: true})`, which picks
 * the OS credential helper on PATH (docker-credential-pass, -secretservice…)
 * when `IsAuthConfigured()` is false, i.e. when the file has no `credsStore`,
 * no `credHelpers` and no `auths` entry. Then an anonymous run would push with
 * the keychain's credentials, and a login would store the password there.
 * With one `auths` entry nothing is detected: lookups read the file only, and
 * `helm registry login` writes to it (plain-text put is allowed), in the sandbox.
 */
export const PLACEHOLDER_HOST = 'helm-oci-release.invalid'

/** A credentials file with one `PLACEHOLDER_HOST` entry (mode 0600): see above. */
export function writePlaceholderCredentials(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const config = { auths: { [PLACEHOLDER_HOST]: {} } }
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, {
    mode: 0o600
  })
}

/** Removes a sandbox; refuses paths that are not ours, so a bad state cannot delete elsewhere. */
export function removeSandbox(root: string): boolean {
  if (!path.basename(root).startsWith(PREFIX) || !fs.existsSync(root))
    return false
  fs.rmSync(root, { recursive: true, force: true })
  return true
}

/** A folder for the packaged chart that outlives the step (the runner empties RUNNER_TEMP after the job). */
export function createPackageDir(env: NodeJS.ProcessEnv = process.env): string {
  return fs.mkdtempSync(path.join(runnerTemp(env), 'helm-oci-release-package-'))
}
