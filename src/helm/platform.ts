// The runner's OS and architecture as get.helm.sh names them.
import { UserError } from '../errors.js'

export type HelmOs = 'linux' | 'darwin' | 'windows'
export type HelmArch = 'amd64' | 'arm64'

export interface Platform {
  os: HelmOs
  arch: HelmArch
}

const OS_NAMES: Record<string, HelmOs> = {
  linux: 'linux',
  darwin: 'darwin',
  win32: 'windows'
}
const ARCH_NAMES: Record<string, HelmArch> = { x64: 'amd64', arm64: 'arm64' }

/** Maps Node's platform and arch names to the ones Helm's downloads use. */
export function helmPlatform(
  nodePlatform: string = process.platform,
  nodeArch: string = process.arch
): Platform {
  const os = OS_NAMES[nodePlatform]
  const arch = ARCH_NAMES[nodeArch]
  if (!os || !arch) {
    throw new UserError(
      `Helm is not published for ${nodePlatform}/${nodeArch}: ` +
        'run on linux, macOS or Windows with x64 or arm64, or install Helm ' +
        "yourself and set 'helm-version: system'."
    )
  }
  return { os, arch }
}
