// The claims of a GitHub Actions OIDC token, for pure tests.
import type { WorkflowClaims } from '../../src/sigstore/oidc.js'

export const claims: WorkflowClaims = {
  iss: 'https://token.actions.githubusercontent.com',
  repository: 'acme/charts',
  repository_owner: 'acme',
  repository_id: '42',
  repository_owner_id: '7',
  ref: 'refs/tags/app@1.2.0',
  sha: 'c0ffee'.padEnd(40, '0'),
  workflow_ref: 'acme/charts/.github/workflows/release.yml@refs/tags/app@1.2.0',
  job_workflow_ref:
    'acme/charts/.github/workflows/release.yml@refs/tags/app@1.2.0',
  event_name: 'push',
  run_id: '1001',
  run_attempt: '2',
  runner_environment: 'github-hosted'
}
