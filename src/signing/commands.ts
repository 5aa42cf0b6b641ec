// The commands that verify a signed chart, ready to paste: cosign, the
// GitHub CLI and a Flux `verify:` block, with this run's identity. Pure.
//
// A reusable workflow's signature names the reusable workflow, not the
// repository that called it: any repository may call it and get the same
// SAN. cosign can pin the caller too (`--certificate-github-workflow-repository`,
// the certificate's GitHub Workflow Repository extension, which Fulcio fills
// from the token's `repository`); gh pins the signer workflow
// (`--signer-workflow`); Flux's `matchOIDCIdentity` matches only issuer and
// subject (source-controller api/v1 OIDCIdentityMatch), so its pattern is
// the exact identity, and the summary says what it still accepts.
import type { ChartRelease } from '../record/chart-release.js'
import type { SigningResult } from '../record/signing.js'
import { HELM_CHART_LAYER } from '../registry/oci-manifest.js'

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
  const commands: VerifyCommands = {}
  if (signing.signatures.length) {
    commands.cosign = cosignCommand(release, signing)
    commands.flux = fluxBlock(release, signing)
  }
  if (signing.provenance) {
    const signer = signing.caller
      ? ` --signer-workflow ${quoted(workflowPath(signing.identity))}`
      : ''
    commands.gh = `gh attestation verify oci://${release.registry}/${release.repositoryPath}:${release.tag} --owner ${signing.owner}${signer}`
  }
  return commands
}

function cosignCommand(release: ChartRelease, signing: SigningResult): string {
  const byDigest = `${release.registry}/${release.repositoryPath}@${release.digest}`
  const lines = [
    `cosign verify ${byDigest}`,
    `  --certificate-identity ${quoted(signing.identity)}`,
    `  --certificate-oidc-issuer ${quoted(signing.issuer)}`,
    ...(signing.caller
      ? [
          `  --certificate-github-workflow-repository ${quoted(signing.caller.repository)}`
        ]
      : [])
  ]
  // GitHub's own instance has no public log and is not in cosign's default
  // trust root: its verification is gh's (docs/signing.md).
  const privateInstance =
    signing.sigstore === 'github'
      ? "\n# Signed with GitHub's Sigstore instance (private repository): cosign needs\n" +
        "# GitHub's trusted root and timestamp flags; see docs/signing.md in helm-oci-release."
      : ''
  return lines.join(' \\\n') + privateInstance
}

/** `github.com/owner/repo/path` of a workflow identity (scheme and ref cut). */
function workflowPath(identity: string): string {
  const path = identity.replace(/^https:\/\//, '')
  const at = path.indexOf('@')
  return at < 0 ? path : path.slice(0, at)
}

function fluxBlock(release: ChartRelease, signing: SigningResult): string {
  // A reusable workflow: its exact ref, the narrowest Flux can match.
  const subject = signing.caller
    ? `^${literal(signing.identity)}$`
    : workflowIdentityPattern(signing.identity)
  const limit = [
    ...(signing.caller
      ? [
          `    # Also accepts any other repository that calls this workflow at this ref:`,
          `    # Flux cannot check the caller (${signing.caller.repository}); cosign can.`
        ]
      : []),
    // source-controller wants a transparency log, which GitHub's instance lacks.
    ...(signing.sigstore === 'github'
      ? [
          "    # Flux cannot verify GitHub's Sigstore instance (no transparency log):",
          "    # see docs/signing.md in helm-oci-release, 'Which verifier for which instance'."
        ]
      : [])
  ]
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
    ...limit,
    '    matchOIDCIdentity:',
    `      - issuer: ${yamlQuoted(`^${literal(signing.issuer)}$`)}`,
    `        subject: ${yamlQuoted(subject)}`
  ].join('\n')
}
