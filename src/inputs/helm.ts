// The Helm both actions install: `helm-version` and `helm-download-url`,
// with the default the tests run (action.yml's defaults are kept equal to it).
import * as core from '@actions/core'
import {
  DEFAULT_DOWNLOAD_BASE_URL,
  parseDownloadBaseUrl,
  parseHelmVersionSpec,
  type HelmVersionSpec
} from '../helm/download-site.js'

/** The newest Helm the tests run; action.yml's `helm-version` default (a test keeps them equal). */
export const DEFAULT_HELM_VERSION = 'v4.2.3'

/** Which Helm to install, and from where. */
export interface HelmInputs {
  helmVersion: HelmVersionSpec
  helmDownloadUrl: string
}

/** `helm-version` and `helm-download-url`, checked. */
export function helmInputs(): HelmInputs {
  return {
    helmVersion: parseHelmVersionSpec(
      core.getInput('helm-version') || DEFAULT_HELM_VERSION
    ),
    helmDownloadUrl: parseDownloadBaseUrl(
      core.getInput('helm-download-url') || DEFAULT_DOWNLOAD_BASE_URL
    )
  }
}
