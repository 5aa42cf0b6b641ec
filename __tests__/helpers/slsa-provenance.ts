// Checks an in-toto statement against the SLSA Provenance v1 schema
// (__tests__/fixtures/slsa-provenance-v1.schema.json) and, for the GitHub
// Actions workflow build type, the cross-field rules JSON Schema cannot say.
import fs from 'node:fs'
import path from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { repoRoot } from './paths.js'

export const GITHUB_WORKFLOW_BUILD_TYPE =
  'https://actions.github.io/buildtypes/workflow/v1'

export const SLSA_SCHEMA_FILE = path.join(
  repoRoot,
  '__tests__',
  'fixtures',
  'slsa-provenance-v1.schema.json'
)

let validator: ValidateFunction | undefined

function validate(): ValidateFunction {
  if (validator) return validator
  // Unknown keywords and formats are schema bugs (strict); `required` and
  // `properties` in subschemas without their own `type` are deliberate.
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    logger: false
  })
  const addFormats = (
    'default' in addFormatsModule ? addFormatsModule.default : addFormatsModule
  ) as (ajv: Ajv) => Ajv
  addFormats(ajv)
  validator = ajv.compile(
    JSON.parse(fs.readFileSync(SLSA_SCHEMA_FILE, 'utf8')) as object
  )
  return validator
}

function problem(
  instancePath: string,
  keyword: string,
  message: string
): ErrorObject {
  return { instancePath, schemaPath: '#', keyword, params: {}, message }
}

interface GitHubProvenance {
  predicate?: {
    buildDefinition?: {
      buildType?: unknown
      externalParameters?: {
        workflow?: { repository?: unknown; ref?: unknown }
      }
      resolvedDependencies?: { uri?: unknown }[]
    }
    runDetails?: { metadata?: { invocationId?: unknown } }
  }
}

/** The GitHub build type's rules that tie fields together. */
function githubConsistency(statement: GitHubProvenance): ErrorObject[] {
  const definition = statement.predicate?.buildDefinition
  const workflow = definition?.externalParameters?.workflow
  if (
    typeof workflow?.repository !== 'string' ||
    typeof workflow.ref !== 'string'
  )
    return []
  const errors: ErrorObject[] = []
  const source = `git+${workflow.repository}@${workflow.ref}`
  if (!(definition?.resolvedDependencies ?? []).some(d => d?.uri === source))
    errors.push(
      problem(
        '/predicate/buildDefinition/resolvedDependencies',
        'consistency',
        `must contain the workflow's commit as uri ${source}`
      )
    )
  const invocationId = statement.predicate?.runDetails?.metadata?.invocationId
  if (
    typeof invocationId === 'string' &&
    !invocationId.startsWith(`${workflow.repository}/actions/runs/`)
  )
    errors.push(
      problem(
        '/predicate/runDetails/metadata/invocationId',
        'consistency',
        `must be a run of ${workflow.repository}`
      )
    )
  return errors
}

/**
 * The schema's errors for `statement` ([] when valid). By default the build
 * type must be GitHub's workflow build type (pass `buildType: undefined` to
 * accept any), and its cross-field rules apply.
 */
export function checkSlsaProvenance(
  statement: unknown,
  options: { buildType?: string } = { buildType: GITHUB_WORKFLOW_BUILD_TYPE }
): ErrorObject[] {
  const check = validate()
  const errors = check(statement) ? [] : [...(check.errors ?? [])]
  const provenance = statement as GitHubProvenance
  const buildType = provenance?.predicate?.buildDefinition?.buildType
  if (options.buildType !== undefined && buildType !== options.buildType)
    errors.push(
      problem(
        '/predicate/buildDefinition/buildType',
        'const',
        `must be ${options.buildType}`
      )
    )
  if (buildType === GITHUB_WORKFLOW_BUILD_TYPE)
    errors.push(...githubConsistency(provenance))
  return errors
}

/** A valid statement of GitHub's build type, for tests to start from. */
export function exampleProvenance(): Record<string, unknown> & {
  subject: Record<string, unknown>[]
  predicate: {
    buildDefinition: Record<string, unknown> & {
      externalParameters: Record<string, unknown>
      internalParameters: { github: Record<string, unknown> }
      resolvedDependencies: Record<string, unknown>[]
    }
    runDetails: Record<string, unknown> & {
      builder: Record<string, unknown>
      metadata: Record<string, unknown>
    }
  }
} {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [
      {
        name: 'oci://ghcr.io/octo-org/charts/demo',
        digest: { sha256: 'ab'.repeat(32) }
      }
    ],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: GITHUB_WORKFLOW_BUILD_TYPE,
        externalParameters: {
          workflow: {
            ref: 'refs/tags/v1.2.3',
            repository: 'https://github.com/octo-org/charts',
            path: '.github/workflows/release.yml'
          }
        },
        internalParameters: {
          github: {
            event_name: 'push',
            repository_id: '123456789',
            repository_owner_id: '987654',
            runner_environment: 'github-hosted'
          }
        },
        resolvedDependencies: [
          {
            uri: 'git+https://github.com/octo-org/charts@refs/tags/v1.2.3',
            digest: { gitCommit: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3' }
          }
        ]
      },
      runDetails: {
        builder: {
          id: 'https://github.com/octo-org/charts/.github/workflows/release.yml@refs/tags/v1.2.3'
        },
        metadata: {
          invocationId:
            'https://github.com/octo-org/charts/actions/runs/4242424242/attempts/1',
          startedOn: '2026-11-30T17:00:00Z',
          finishedOn: '2026-11-30T17:01:30.250+01:00'
        }
      }
    }
  }
}
