// The commands that verify a signed chart, ready to paste: cosign, the
// GitHub CLI and a Flux `verify:` block, with this run's identity. Pure.
import type { ChartRelease } from '../publish/result.js'
import { HELM_CHART_LAYER } from '../registry/oci-manifest.js'
import type { SigningResult } from './step.js'

export interface VerifyCommands {
  cosign?: string
  gh?: string
  flux?: string
}

/** A regular expression matching `text` exactly. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Single-quoted for YAML: backslashes stay as they are. */
function yamlQuoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

/** Single-quoted for a POSIX shell. */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/**
 * The identity of every release by this workflow file: the run's identity
 * up to its ref, for policies that must accept the next tag too.
 */
export function workflowIdentityPattern(identity: string): string {
  const at = identity.lastIndexOf('@refs/tags/')
  if (at < 0) return `^${literal(identity)}$`
  return `^${literal(identity.slice(0, at))}@refs/tags/.+$`
}

/** The three verifications of one signed chart. */
export function verifyCommands(
  release: ChartRelease,
  signing: SigningResult
): VerifyCommands {
  const byDigest = `${release.registry}/${release.repositoryPath}@${release.digest}`
  const commands: VerifyCommands = {}
  if (signing.signatures.length) {
    // GitHub's own instance has no public log and is not in cosign's default
    // trust root: its verification is gh's (README: Signed charts).
    const privateInstance =
      signing.sigstore === 'github'
        ? "\n# Signed with GitHub's Sigstore instance (private repository): cosign needs\n" +
          "# GitHub's trusted root and timestamp flags; see the README, 'Signed charts'."
        : ''
    commands.cosign =
      `cosign verify ${byDigest} \\\n` +
      `  --certificate-identity ${quoted(signing.identity)} \\\n` +
      `  --certificate-oidc-issuer ${quoted(signing.issuer)}${privateInstance}`
    commands.flux = fluxBlock(release, signing)
  }
  if (signing.provenance)
    commands.gh = `gh attestation verify oci://${release.registry}/${release.repositoryPath}:${release.tag} --owner ${signing.owner}`
  return commands
}

function fluxBlock(release: ChartRelease, signing: SigningResult): string {
  return [
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: OCIRepository',
    'metadata:',
    `  name: ${release.name}`,
    'spec:',
    '  interval: 10m',
    `  url: oci://${release.registry}/${release.repositoryPath}`,
    '  ref:',
    `    tag: "${release.tag}"`,
    '  layerSelector:',
    `    mediaType: ${HELM_CHART_LAYER}`,
    '    operation: copy',
    '  verify:',
    '    provider: cosign',
    '    matchOIDCIdentity:',
    `      - issuer: ${yamlQuoted(`^${literal(signing.issuer)}$`)}`,
    `        subject: ${yamlQuoted(workflowIdentityPattern(signing.identity))}`
  ].join('\n')
}
