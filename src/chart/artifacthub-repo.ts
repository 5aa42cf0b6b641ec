// An Artifact Hub repository metadata file (artifacthub-repo.yml), checked as
// Artifact Hub reads it before it is pushed (pure). Its documented shape
// (artifacthub/hub docs/metadata/artifacthub-repo.yml): `repositoryID`,
// `owners` (name, email) and `ignore` (name, version). Artifact Hub's reader
// (internal/repo/manager.go `GetMetadata`) unmarshals it into
// hub.RepositoryMetadata (internal/hub/repo.go), refuses an empty document
// and a `repositoryID` that is not a UUID (`uuid.FromString`), and ignores
// keys it does not know: those are warned about here, since a typo there
// silently claims nothing.
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node
} from 'yaml'
import { UserError } from '../errors.js'

/** The file's name, as Artifact Hub names it; the default next to Chart.yaml. */
export const ARTIFACTHUB_REPO_FILE = 'artifacthub-repo.yml'

/** The keys Artifact Hub reads (hub.RepositoryMetadata). */
const KEYS = ['repositoryID', 'owners', 'ignore']

// The forms gofrs/uuid's FromString reads: canonical, 32 hex digits, braced,
// and with the urn:uuid: prefix.
const HEX8_4_4_4_12 =
  '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const UUID_RE = new RegExp(
  `^(?:${HEX8_4_4_4_12}|[0-9a-f]{32}|\\{${HEX8_4_4_4_12}\\}|urn:uuid:${HEX8_4_4_4_12})$`,
  'i'
)

/** What the file says, checked. */
export interface ArtifactHubRepo {
  repositoryID?: string
  /** Number of owners listed. */
  owners: number
  /** Keys Artifact Hub ignores, for a warning. */
  unknownKeys: string[]
}

/**
 * Parses and checks an artifacthub-repo.yml. Every refusal names `file`, the
 * line where known, and the fix.
 */
export function parseArtifactHubRepo(
  text: string,
  file: string
): ArtifactHubRepo {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const refuse = (problem: string, node?: Node | null): never => {
    const line = node?.range ? lines.linePos(node.range[0]).line : 1
    throw new UserError(
      `${file} is not an Artifact Hub repository metadata file: ${problem}. ` +
        'See https://github.com/artifacthub/hub/blob/master/docs/metadata/artifacthub-repo.yml for its shape.',
      { file, line }
    )
  }
  const syntax = doc.errors[0]
  if (syntax)
    throw new UserError(
      `${file} is not valid YAML (line ${lines.linePos(syntax.pos[0]).line}): ${syntax.message.split('\n')[0]}. Fix the YAML syntax.`,
      { file, line: lines.linePos(syntax.pos[0]).line }
    )
  const root = doc.contents
  if (!isMap(root))
    return refuse('it must be a mapping with repositoryID, owners or ignore')
  const keys = root.items.map(pair =>
    isScalar(pair.key) ? String(pair.key.value) : ''
  )
  if (!keys.some(key => KEYS.includes(key)))
    refuse('it has none of repositoryID, owners and ignore')
  const id = doc.get('repositoryID', true) as Node | undefined
  const repositoryID = checkRepositoryId(id, refuse)
  const owners = checkList(doc.get('owners', true), 'owners', 'email', refuse)
  checkList(doc.get('ignore', true), 'ignore', 'name', refuse)
  return {
    ...(repositoryID ? { repositoryID } : {}),
    owners,
    unknownKeys: keys.filter(key => !KEYS.includes(key))
  }
}

type Refuse = (problem: string, node?: Node | null) => never

function checkRepositoryId(
  node: Node | undefined,
  refuse: Refuse
): string | undefined {
  if (node === undefined || (isScalar(node) && node.value === null))
    return undefined
  if (!isScalar(node) || typeof node.value !== 'string')
    return refuse('repositoryID must be a string', node)
  const id = node.value.trim()
  if (id && !UUID_RE.test(id))
    refuse(
      `repositoryID ${JSON.stringify(id.slice(0, 80))} is not a UUID: copy the ID from the repository's card in Artifact Hub's control panel`,
      node
    )
  return id || undefined
}

/**
 * A list of mappings (owners, ignore) whose `required` key is a non-empty
 * string and whose other keys (name, email, version) are strings; its length.
 */
function checkList(
  node: unknown,
  key: string,
  required: string,
  refuse: Refuse
): number {
  if (node === undefined || (isScalar(node) && node.value === null)) return 0
  if (!isSeq(node)) return refuse(`${key} must be a list`, node as Node)
  node.items.forEach((item, index) => {
    const where = `${key}[${index}]`
    if (!isMap(item))
      return refuse(`${where} must be a mapping`, item as Node | null)
    for (const pair of item.items) {
      const value = pair.value as Node | null
      if (!isScalar(value) || typeof value.value !== 'string')
        refuse(`${where}.${String(pair.key)} must be a string`, value)
    }
    const must = item.get(required)
    if (typeof must !== 'string' || !must.trim())
      refuse(`${where} has no ${required}`, item)
  })
  return node.items.length
}
