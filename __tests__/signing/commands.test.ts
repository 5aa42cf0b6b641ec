import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { ChartRelease } from '../../src/record/chart-release.js'
import {
  verifyCommands,
  workflowIdentityPattern
} from '../../src/signing/commands.js'
import type { SigningResult } from '../../src/record/signing.js'

const identity =
  'https://github.com/acme/charts/.github/workflows/release.yml@refs/tags/v1.2.0'
const digest = `sha256:${'c'.repeat(64)}`
const release = {
  name: 'app',
  version: '1.2.0+build.1',
  registry: 'ghcr.io',
  repositoryPath: 'acme/charts/app',
  tag: '1.2.0_build.1',
  ref: 'oci://ghcr.io/acme/charts/app',
  digest
} as ChartRelease
const signing: SigningResult = {
  owner: 'acme',
  identity,
  issuer: 'https://token.actions.githubusercontent.com',
  sigstore: 'public-good',
  signatures: [`oci://ghcr.io/acme/charts/app:sha256-${'c'.repeat(64)}.sig`],
  provenance: `oci://ghcr.io/acme/charts/app@sha256:${'d'.repeat(64)}`,
  kept: [],
  notes: []
}

describe('verifyCommands', () => {
  const commands = verifyCommands(release, signing)
  it('verifies by digest with the exact identity and issuer', () => {
    expect(commands.cosign).toBe(
      `cosign verify ghcr.io/acme/charts/app@${digest} \\\n` +
        `  --certificate-identity '${identity}' \\\n` +
        "  --certificate-oidc-issuer 'https://token.actions.githubusercontent.com'"
    )
  })
  it('points gh at the tag Helm pushed and the owner', () => {
    expect(commands.gh).toBe(
      'gh attestation verify oci://ghcr.io/acme/charts/app:1.2.0_build.1 --owner acme'
    )
  })
  it('gives a Flux OCIRepository whose patterns accept this and later tags only', () => {
    const block = parse(commands.flux!)
    expect(block.spec.url).toBe('oci://ghcr.io/acme/charts/app')
    expect(block.spec.ref.tag).toBe('1.2.0_build.1')
    const [match] = block.spec.verify.matchOIDCIdentity
    expect(block.spec.verify.provider).toBe('cosign')
    expect(new RegExp(match.issuer).test(signing.issuer)).toBe(true)
    expect(new RegExp(match.issuer).test(`${signing.issuer}.evil`)).toBe(false)
    const subject = new RegExp(match.subject)
    expect(subject.test(identity)).toBe(true)
    expect(subject.test(identity.replace('v1.2.0', 'v1.3.0'))).toBe(true)
    expect(subject.test(identity.replace('release.yml', 'other.yml'))).toBe(
      false
    )
    expect(
      subject.test(identity.replace('@refs/tags/v1.2.0', '@refs/heads/main'))
    ).toBe(false)
    expect(subject.test(identity.replace('github.com', 'githubXcom'))).toBe(
      false
    )
  })
  it('adds the trusted root for GitHub’s private instance, says Flux cannot verify it; no gh without provenance', () => {
    const other = verifyCommands(release, {
      ...signing,
      sigstore: 'github',
      provenance: undefined
    })
    expect(other.cosign).toContain("GitHub's Sigstore instance")
    expect(other.gh).toBeUndefined()
    // Flux wants a transparency log: the block says it will not verify.
    expect(other.flux).toContain(
      "# Flux cannot verify GitHub's Sigstore instance (no transparency log)"
    )
    expect(commands.flux).not.toContain('Flux cannot')
  })
})

describe('verifyCommands for a reusable workflow in another repository', () => {
  const shared =
    'https://github.com/platform/workflows/.github/workflows/helm.yml@refs/tags/v2'
  const reusable: SigningResult = {
    ...signing,
    identity: shared,
    caller: {
      repository: 'acme/charts',
      workflowRef: 'acme/charts/.github/workflows/release.yml@refs/tags/v1.2.0'
    }
  }
  const commands = verifyCommands(release, reusable)
  it('has cosign pin the calling repository as well as the identity', () => {
    expect(commands.cosign).toBe(
      `cosign verify ghcr.io/acme/charts/app@${digest} \\\n` +
        `  --certificate-identity '${shared}' \\\n` +
        "  --certificate-oidc-issuer 'https://token.actions.githubusercontent.com' \\\n" +
        "  --certificate-github-workflow-repository 'acme/charts'"
    )
  })
  it('has gh check the signer workflow, which --owner alone would refuse', () => {
    expect(commands.gh).toBe(
      'gh attestation verify oci://ghcr.io/acme/charts/app:1.2.0_build.1 --owner acme ' +
        "--signer-workflow 'github.com/platform/workflows/.github/workflows/helm.yml'"
    )
  })
  it('gives Flux the exact identity, and says what Flux cannot check', () => {
    const block = parse(commands.flux!)
    const [match] = block.spec.verify.matchOIDCIdentity
    const subject = new RegExp(match.subject)
    expect(subject.test(shared)).toBe(true)
    // Another version of the shared workflow is not accepted...
    expect(subject.test(shared.replace('@refs/tags/v2', '@refs/tags/v3'))).toBe(
      false
    )
    expect(subject.test(`${shared}x`)).toBe(false)
    // ... but the caller is not in the certificate's subject: the limit is said.
    expect(commands.flux).toContain(
      '# Also accepts any other repository that calls this workflow at this ref:'
    )
    expect(commands.flux).toContain(
      'Flux cannot check the caller (acme/charts)'
    )
  })
})

describe('workflowIdentityPattern', () => {
  it('is exact for identities that are not tag releases', () => {
    const pattern = new RegExp(
      workflowIdentityPattern(
        'https://github.com/a/b/.github/workflows/x.yml@refs/heads/main'
      )
    )
    expect(
      pattern.test(
        'https://github.com/a/b/.github/workflows/x.yml@refs/heads/main'
      )
    ).toBe(true)
    expect(
      pattern.test(
        'https://github.com/a/b/.github/workflows/x.yml@refs/heads/mainX'
      )
    ).toBe(false)
  })
})
