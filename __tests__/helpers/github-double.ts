// A loopback double of the GitHub REST and GraphQL endpoints the GitOps step
// uses, with in-memory repositories (refs, commits, trees, blobs, pull
// requests) and injectable failures.
//
// Every REST request is checked against GitHub's published OpenAPI
// description (@octokit/openapi, api.github.com, dereferenced): the route
// must exist, and path parameters, query parameters and the JSON body must
// validate against the operation's schemas (ajv + ajv-formats, compiled
// lazily per operation). On top of the schemas, body fields the operation
// does not declare are flagged too: GitHub ignores them, so they are bugs.
// A request that breaks the description answers 400 and is recorded in
// `violations`. The router is the description's own route table: handlers
// are keyed by operationId.
//
// Artifact attestations (repos/create-attestation, repos/list-attestations)
// are stored per repository; a created bundle must parse as a Sigstore
// bundle holding a DSSE envelope of an in-toto statement, whose subjects'
// digests are what the list filters on.
//
// Releases (get by tag, create, update, list/get assets, download with
// Accept: application/octet-stream) are stored per repository; uploads go to
// the `upload_url` a release answers, served by the double under /uploads
// (GitHub's uploads.github.com), with the raw bytes as the body.
//
// GraphQL (POST <root>/graphql, or /api/graphql for a GHES-style /api/v3
// root, which is where @octokit/graphql sends it) serves the
// enablePullRequestAutoMerge mutation only.
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { bundleFromJSON } from '@sigstore/bundle'

// ---------------------------------------------------------------- OpenAPI

interface OpenApiParameter {
  name: string
  in: string
  required?: boolean
  schema?: object
}

interface OpenApiOperation {
  operationId: string
  parameters?: OpenApiParameter[]
  requestBody?: {
    required?: boolean
    content: Record<string, { schema?: object }>
  }
}

interface Route {
  method: string
  template: string
  /**
   * Each `{param}` one segment; `greedy` lets a last `{ref}` or `{path}`
   * span slashes (GitHub takes `git/refs/heads/a/b` unescaped too).
   */
  strict: RegExp
  greedy?: RegExp
  names: string[]
  literals: number
  operation: OpenApiOperation
}

interface MatchedRoute {
  route: Route
  params: Record<string, string>
}

let routeTable: Map<string, Route[]> | undefined
const validators = new Map<string, ValidateFunction>()
const ajvPlain = makeAjv(false)
const ajvCoercing = makeAjv(true)

function makeAjv(coerce: boolean): Ajv {
  // strict off: the description uses OpenAPI keywords (example, x-github...)
  // and formats ajv does not know (repo.nwo); `nullable` ajv supports.
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    logger: false,
    coerceTypes: coerce ? 'array' : false
  })
  const addFormats = (
    'default' in addFormatsModule ? addFormatsModule.default : addFormatsModule
  ) as (ajv: Ajv) => Ajv
  addFormats(ajv)
  return ajv
}

/** GitHub's REST description, loaded once per process (it is 70 MB). */
function routes(): Map<string, Route[]> {
  if (routeTable) return routeTable
  const file = createRequire(import.meta.url).resolve(
    '@octokit/openapi/generated/api.github.com.deref.json'
  )
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, OpenApiOperation>>
  }
  routeTable = new Map()
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const route = makeRoute(method.toUpperCase(), template, operation)
      const list = routeTable.get(route.method) ?? []
      list.push(route)
      routeTable.set(route.method, list)
    }
  }
  for (const list of routeTable.values()) {
    list.sort((a, b) => b.literals - a.literals)
  }
  return routeTable
}

function makeRoute(
  method: string,
  template: string,
  operation: OpenApiOperation
): Route {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map(m => m[1])
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
  const pattern = escaped.replace(/\\?\{\w+\\?\}/g, '([^/]+)')
  const route: Route = {
    method,
    template,
    strict: new RegExp(`^${pattern}$`),
    names,
    literals: template.split('/').filter(s => s && !s.includes('{')).length,
    operation
  }
  if (/\/\{(ref|path)\}$/.test(template)) {
    route.greedy = new RegExp(`^${pattern.replace(/\(\[\^\/\]\+\)$/, '(.+)')}$`)
  }
  return route
}

function matchRoute(method: string, path: string): MatchedRoute | undefined {
  const list = routes().get(method) ?? []
  for (const kind of ['strict', 'greedy'] as const) {
    for (const route of list) {
      const match = route[kind]?.exec(path)
      if (!match) continue
      const params: Record<string, string> = {}
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(match[i + 1])
      })
      return { route, params }
    }
  }
  return undefined
}

function compiled(key: string, schema: object, ajv: Ajv): ValidateFunction {
  let validate = validators.get(key)
  if (!validate) {
    validate = ajv.compile(schema)
    validators.set(key, validate)
  }
  return validate
}

function parametersSchema(
  operation: OpenApiOperation,
  where: 'path' | 'query'
): object {
  const params = (operation.parameters ?? []).filter(p => p.in === where)
  return {
    type: 'object',
    properties: Object.fromEntries(params.map(p => [p.name, p.schema ?? {}])),
    required: params.filter(p => p.required).map(p => p.name),
    additionalProperties: false
  }
}

function ajvProblems(
  part: string,
  errors: ErrorObject[] | null | undefined
): string[] {
  return (errors ?? []).map(
    e => `${part}${e.instancePath || ''} ${e.message ?? 'is invalid'}`
  )
}

/** Body fields that no `properties` (nor oneOf/anyOf branch) declares. */
function undeclaredFields(schema: object, body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return []
  }
  const s = schema as {
    properties?: object
    oneOf?: object[]
    anyOf?: object[]
  }
  const branches = [s, ...(s.oneOf ?? []), ...(s.anyOf ?? [])] as {
    properties?: object
  }[]
  const declared = branches.flatMap(b => Object.keys(b.properties ?? {}))
  if (declared.length === 0) return []
  return Object.keys(body)
    .filter(key => !declared.includes(key))
    .map(key => `body has field '${key}' the operation does not declare`)
}

function bodyProblems(operation: OpenApiOperation, body: unknown): string[] {
  const requestBody = operation.requestBody
  if (!requestBody) {
    return body === undefined ? [] : ['operation takes no request body']
  }
  if (body === undefined) {
    return requestBody.required ? ['request body is required'] : []
  }
  const schema = requestBody.content['application/json']?.schema
  if (!schema) return ['operation takes no JSON body']
  const validate = compiled(`${operation.operationId} body`, schema, ajvPlain)
  return validate(body)
    ? undeclaredFields(schema, body)
    : ajvProblems('body', validate.errors)
}

function paramProblems(
  operation: OpenApiOperation,
  where: 'path' | 'query',
  values: Record<string, unknown>
): string[] {
  const validate = compiled(
    `${operation.operationId} ${where}`,
    parametersSchema(operation, where),
    ajvCoercing
  )
  // Coercion rewrites in place: validate a copy.
  return validate({ ...values }) ? [] : ajvProblems(where, validate.errors)
}

function queryObject(query: URLSearchParams): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key)
    values[key] = all.length === 1 ? all[0] : all
  }
  return values
}

/** What the description says about one request. */
function checkRequest(
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
  rawProblems?: string[]
): { matched?: MatchedRoute; problems: string[] } {
  const matched = matchRoute(method, path)
  if (!matched) {
    return { problems: [`no operation ${method} ${path} in the description`] }
  }
  const operation = matched.route.operation
  const problems = [
    ...paramProblems(operation, 'path', matched.params),
    ...paramProblems(operation, 'query', queryObject(query)),
    ...(rawProblems ?? bodyProblems(operation, body))
  ]
  return { matched, problems }
}

// ------------------------------------------------------------ Git objects

interface TreeEntry {
  mode: string
  sha: string
}

/** A tree, flattened: full path -> blob. */
type FlatTree = Map<string, TreeEntry>

export interface CommitObject {
  sha: string
  tree: string
  parents: string[]
  message: string
  verified: boolean
}

function gitHash(type: string, content: Buffer): string {
  const header = Buffer.from(`${type} ${content.length}\0`)
  return crypto
    .createHash('sha1')
    .update(Buffer.concat([header, content]))
    .digest('hex')
}

/** Git's tree hash of a flat tree (nested trees built on the way). */
function treeHash(files: FlatTree, prefix = ''): string {
  const entries = new Map<string, { mode: string; sha: string }>()
  for (const [path, entry] of files) {
    if (!path.startsWith(prefix)) continue
    const [name, ...rest] = path.slice(prefix.length).split('/')
    if (rest.length === 0) entries.set(name, entry)
    else if (!entries.has(`${name}/`)) {
      const sha = treeHash(files, `${prefix}${name}/`)
      entries.set(`${name}/`, { mode: '40000', sha })
    }
  }
  // Git sorts a directory as if its name ended in '/'.
  const sorted = [...entries.keys()].sort((a, b) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b))
  )
  const parts = sorted.map(key => {
    const { mode, sha } = entries.get(key)!
    const name = key.replace(/\/$/, '')
    return Buffer.concat([
      Buffer.from(`${mode} ${name}\0`),
      Buffer.from(sha, 'hex')
    ])
  })
  return gitHash('tree', Buffer.concat(parts))
}

// ------------------------------------------------------------ The double

/** A repository to create in the double. */
export interface SeedRepository {
  owner: string
  repo: string
  /** Default 'main'. */
  defaultBranch?: string
  /** Files of the first commit on the default branch (text or bytes). */
  files?: Record<string, string | Uint8Array>
  /** The repository setting 'Allow auto-merge'; default true. */
  allowAutoMerge?: boolean
}

/** An attestation as repos/create-attestation stored it. */
export interface StoredAttestation {
  id: number
  /** The bundle as POSTed (Sigstore bundle JSON). */
  bundle: Record<string, unknown>
  /** sha256:<hex> of each subject of the in-toto statement. */
  subjectDigests: string[]
  predicateType: string
}

/** A release as the releases API stored it. */
export interface StoredRelease {
  id: number
  tag: string
  name: string
  body: string
  targetCommitish: string
  assets: StoredAsset[]
}

export interface StoredAsset {
  id: number
  name: string
  data: Buffer
}

export interface PullRequestState {
  number: number
  nodeId: string
  state: 'open' | 'closed'
  title: string
  body: string
  draft: boolean
  head: string
  base: string
  labels: string[]
  reviewers: string[]
  teamReviewers: string[]
  autoMerge?: string
  createdAt: number
}

interface RepoState {
  owner: string
  name: string
  id: number
  defaultBranch: string
  allowAutoMerge: boolean
  refs: Map<string, string>
  blobs: Map<string, Buffer>
  trees: Map<string, FlatTree>
  commits: Map<string, CommitObject>
  pulls: PullRequestState[]
  attestations: StoredAttestation[]
  releases: StoredRelease[]
  /** Branch heads known to git but not to the double's own refs. */
  gitBranchHead?: (branch: string) => string | undefined
}

/** A failure to answer instead of handling a request. */
export interface InjectedFailure {
  /** operationId (e.g. 'pulls/create') or 'graphql'. */
  operation: string
  kind:
    | 'secondary-rate-limit'
    | 'rate-limit'
    | 'server-error'
    | 'validation'
    | 'forbidden'
    // The connection drops before GitHub sees the request.
    | 'network'
    // GitHub handles the request, then the connection drops before the
    // answer arrives (a create the client will retry).
    | 'lost-response'
    // A list that misses what exists (GitHub's lists lag behind writes).
    | 'stale-list'
  /** How many requests fail; default 1. */
  times?: number
  /** Seconds in retry-after (or to the rate limit's reset); default 1. */
  retryAfter?: number
  /** server-error: the status, default 502; secondary-rate-limit: 403 or 429. */
  status?: number
  /** validation: GitHub's errors[].message. */
  message?: string
}

export interface Violation {
  method: string
  path: string
  problems: string[]
}

export interface RecordedRequest {
  method: string
  path: string
  /** operationId, 'graphql', or undefined when no route matched. */
  operation?: string
  /** 0 when the connection was dropped instead of answered. */
  status: number
}

export interface GraphqlCall {
  mutation: string
  variables: Record<string, unknown>
}

export interface StartOptions {
  /** Tokens that authenticate; any other answers 401. */
  tokens: string[]
  /** Serve REST under /api/v3 (and GraphQL at /api/graphql) like GHES. */
  ghes?: boolean
  /**
   * Branches pushed with real git elsewhere (a test git server): on GitHub,
   * git and the API are one system, so a pull request can name them.
   */
  gitBranchHead?: (repository: string, branch: string) => string | undefined
}

interface Reply {
  status: number
  body?: unknown
  /** Bytes answered as application/octet-stream instead of JSON. */
  raw?: Buffer
  headers?: Record<string, string>
  /** Drop the connection instead of answering (status is only recorded). */
  drop?: boolean
}

interface Context {
  repo: RepoState
  params: Record<string, string>
  query: URLSearchParams
  body: Record<string, unknown>
  /** The request body as sent (uploads). */
  raw: Buffer
  accept: string
  /** Where uploads go (upload_url's root). */
  uploadsUrl: string
  htmlUrl: string
}

type Handler = (ctx: Context) => Reply

const DOCS = 'https://docs.github.com/rest'
const MERGE_METHODS = ['MERGE', 'SQUASH', 'REBASE']

function message(status: number, text: string): Reply {
  return {
    status,
    body: { message: text, documentation_url: DOCS, status: String(status) }
  }
}

function validationFailed(errors: object[]): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors,
      documentation_url: DOCS,
      status: '422'
    }
  }
}

/** The double: start with startGitHubDouble(), stop with close(). */
export class GitHubDouble {
  readonly violations: Violation[] = []
  readonly requests: RecordedRequest[] = []
  readonly graphqlCalls: GraphqlCall[] = []
  /** REST root to give the client (GITHUB_API_URL). */
  apiUrl = ''
  /** Where GraphQL is served. */
  graphqlUrl = ''
  private readonly repos = new Map<string, RepoState>()
  private readonly failures: InjectedFailure[] = []
  private readonly server: http.Server
  private readonly prefix: string
  private readonly graphqlPath: string
  private nextId = 1000

  constructor(private readonly options: StartOptions) {
    this.prefix = options.ghes ? '/api/v3' : ''
    this.graphqlPath = options.ghes ? '/api/graphql' : '/graphql'
    this.server = http.createServer((req, res) => {
      void this.serve(req, res)
    })
  }

  /** Listens on 127.0.0.1, a random port. */
  async listen(): Promise<void> {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve)
    )
    const { port } = this.server.address() as AddressInfo
    const origin = `http://127.0.0.1:${port}`
    this.apiUrl = `${origin}${this.prefix}`
    this.graphqlUrl = `${origin}${this.graphqlPath}`
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }

  /** Forgets the record of requests, violations and GraphQL calls. */
  clearRecords(): void {
    this.violations.length = 0
    this.requests.length = 0
    this.graphqlCalls.length = 0
  }

  /** Creates a repository with one commit on its default branch. */
  addRepository(seed: SeedRepository): void {
    const repo: RepoState = {
      owner: seed.owner,
      name: seed.repo,
      id: this.nextId++,
      defaultBranch: seed.defaultBranch ?? 'main',
      allowAutoMerge: seed.allowAutoMerge ?? true,
      refs: new Map(),
      blobs: new Map(),
      trees: new Map(),
      commits: new Map(),
      pulls: [],
      attestations: [],
      releases: [],
      gitBranchHead: this.options.gitBranchHead
        ? branch =>
            this.options.gitBranchHead?.(`${seed.owner}/${seed.repo}`, branch)
        : undefined
    }
    this.repos.set(repoKey(seed.owner, seed.repo), repo)
    this.commitOn(seed.owner, seed.repo, repo.defaultBranch, seed.files ?? {})
  }

  /** Sets 'Allow auto-merge' of a repository. */
  setAllowAutoMerge(owner: string, repo: string, allow: boolean): void {
    this.state(owner, repo).allowAutoMerge = allow
  }

  /**
   * Commits files (path -> content) on a branch, as a push would; a new
   * branch starts from the default branch. Returns the commit sha.
   */
  commitOn(
    owner: string,
    repo: string,
    branch: string,
    files: Record<string, string | Uint8Array>,
    message = 'seed'
  ): string {
    const state = this.state(owner, repo)
    const parent =
      state.refs.get(`refs/heads/${branch}`) ??
      state.refs.get(`refs/heads/${state.defaultBranch}`)
    const tree = new Map(parent ? this.treeOf(state, parent) : [])
    for (const [path, content] of Object.entries(files)) {
      const sha = storeBlob(state, Buffer.from(content))
      tree.set(path, { mode: '100644', sha })
    }
    const sha = storeCommit(state, {
      tree: storeTree(state, tree),
      parents: parent ? [parent] : [],
      message,
      verified: false
    })
    state.refs.set(`refs/heads/${branch}`, sha)
    return sha
  }

  /** Head commit of a branch, or undefined. */
  branchHead(owner: string, repo: string, branch: string): string | undefined {
    return this.state(owner, repo).refs.get(`refs/heads/${branch}`)
  }

  /** A commit as stored. */
  commit(owner: string, repo: string, sha: string): CommitObject {
    const commit = this.state(owner, repo).commits.get(sha)
    if (!commit) throw new Error(`no commit ${sha} in ${owner}/${repo}`)
    return commit
  }

  /** Files (path -> content) of the tree of a commit or branch. */
  files(
    owner: string,
    repo: string,
    branchOrSha: string
  ): Record<string, string> {
    const state = this.state(owner, repo)
    const sha = state.refs.get(`refs/heads/${branchOrSha}`) ?? branchOrSha
    const files: Record<string, string> = {}
    for (const [path, entry] of this.treeOf(state, sha)) {
      files[path] = state.blobs.get(entry.sha)!.toString('utf8')
    }
    return files
  }

  /** The exact bytes of one file of a commit or branch, or undefined. */
  fileBytes(
    owner: string,
    repo: string,
    branchOrSha: string,
    path: string
  ): Buffer | undefined {
    const state = this.state(owner, repo)
    const sha = state.refs.get(`refs/heads/${branchOrSha}`) ?? branchOrSha
    const entry = this.treeOf(state, sha).get(path)
    return entry && state.blobs.get(entry.sha)
  }

  /** Attestations created in a repository, in creation order. */
  attestations(owner: string, repo: string): readonly StoredAttestation[] {
    return this.state(owner, repo).attestations
  }

  /** Releases of a repository, in creation order. */
  releases(owner: string, repo: string): StoredRelease[] {
    return this.state(owner, repo).releases
  }

  /** Pull requests of a repository, in creation order. */
  pulls(owner: string, repo: string): readonly PullRequestState[] {
    return this.state(owner, repo).pulls
  }

  /** Answers the next matching request(s) with a failure. */
  fail(failure: InjectedFailure): void {
    this.failures.push({ times: 1, ...failure })
  }

  private state(owner: string, repo: string): RepoState {
    const state = this.repos.get(repoKey(owner, repo))
    if (!state) throw new Error(`no repository ${owner}/${repo}`)
    return state
  }

  private treeOf(state: RepoState, commitSha: string): FlatTree {
    const commit = state.commits.get(commitSha)
    if (!commit) throw new Error(`no commit ${commitSha}`)
    return state.trees.get(commit.tree)!
  }

  // -------------------------------------------------------------- serving

  private async serve(
    req: http.IncomingMessage,
    res: http.ServerResponse
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double')
    const method = req.method ?? 'GET'
    const raw = await readBody(req)
    let reply: Reply
    let operation: string | undefined
    try {
      const upload = url.pathname.startsWith(UPLOADS)
      const body =
        raw.length > 0 && !upload
          ? (JSON.parse(raw.toString('utf8')) as unknown)
          : undefined
      ;({ reply, operation } = this.route(req, method, url, body, raw))
    } catch (error) {
      this.violations.push({
        method,
        path: url.pathname,
        problems: [`unparsable body: ${String(error)}`]
      })
      reply = message(400, 'Problems parsing JSON')
    }
    this.requests.push({
      method,
      path: url.pathname + url.search,
      operation,
      status: reply.drop ? 0 : reply.status
    })
    if (reply.drop) res.destroy()
    else send(res, reply)
  }

  private route(
    req: http.IncomingMessage,
    method: string,
    url: URL,
    body: unknown,
    raw: Buffer = Buffer.alloc(0)
  ): { reply: Reply; operation?: string } {
    if (method === 'POST' && url.pathname === this.graphqlPath) {
      return { reply: this.graphql(req, body), operation: 'graphql' }
    }
    // Uploads are served under /uploads, as GitHub serves them on their own host.
    const upload = url.pathname.startsWith(`${UPLOADS}/`)
    const pathname = upload ? url.pathname.slice(UPLOADS.length) : url.pathname
    const prefix = upload ? '' : this.prefix
    const path = pathname.startsWith(`${prefix}/`)
      ? pathname.slice(prefix.length)
      : `(outside ${prefix || '/'})${pathname}`
    const { matched, problems } = checkRequest(
      method,
      path,
      url.searchParams,
      upload ? undefined : body,
      upload ? rawBodyProblems(req, raw) : undefined
    )
    if (matched && upload !== isUpload(matched))
      problems.push(
        upload
          ? `${matched.route.operation.operationId} is not served on the uploads host`
          : 'uploads go to the upload_url of the release (uploads.github.com)'
      )
    const operation = matched?.route.operation.operationId
    if (problems.length > 0) {
      this.violations.push({ method, path: url.pathname, problems })
      return { reply: invalidRequest(problems), operation }
    }
    const denied = this.authenticate(req)
    if (denied) return { reply: denied, operation }
    const failure = this.injected(operation!)
    if (failure?.kind === 'lost-response') {
      // The request takes effect; its answer never arrives.
      const reply = {
        ...this.handle(matched!, url, body, req, raw),
        drop: true
      }
      return { reply, operation }
    }
    if (failure) return { reply: failureReply(failure), operation }
    return { reply: this.handle(matched!, url, body, req, raw), operation }
  }

  private authenticate(req: http.IncomingMessage): Reply | undefined {
    const header = req.headers.authorization
    if (!header) return message(401, 'Requires authentication')
    const token = header.replace(/^(token|bearer)\s+/i, '')
    if (!this.options.tokens.includes(token)) {
      return message(401, 'Bad credentials')
    }
    return undefined
  }

  private injected(operation: string): InjectedFailure | undefined {
    const index = this.failures.findIndex(f => f.operation === operation)
    if (index < 0) return undefined
    const failure = this.failures[index]
    failure.times = (failure.times ?? 1) - 1
    if (failure.times <= 0) this.failures.splice(index, 1)
    return failure
  }

  private handle(
    matched: MatchedRoute,
    url: URL,
    body: unknown,
    req?: http.IncomingMessage,
    raw: Buffer = Buffer.alloc(0)
  ): Reply {
    const { route, params } = matched
    const handler = HANDLERS[route.operation.operationId]
    if (!handler) {
      const problem = `operation ${route.operation.operationId} is valid but the double does not implement it`
      this.violations.push({
        method: route.method,
        path: url.pathname,
        problems: [problem]
      })
      return message(501, problem)
    }
    const repo = this.repos.get(repoKey(params['owner'], params['repo']))
    if (!repo) return message(404, 'Not Found')
    return handler({
      repo,
      params,
      query: url.searchParams,
      body: (body ?? {}) as Record<string, unknown>,
      raw,
      accept: req?.headers.accept ?? '',
      uploadsUrl: `${new URL(this.apiUrl).origin}${UPLOADS}`,
      htmlUrl: `https://github.test/${repo.owner}/${repo.name}`
    })
  }

  // -------------------------------------------------------------- GraphQL

  private graphql(req: http.IncomingMessage, body: unknown): Reply {
    const problems = graphqlProblems(body)
    if (problems.length > 0) {
      this.violations.push({
        method: 'POST',
        path: this.graphqlPath,
        problems
      })
      return invalidRequest(problems)
    }
    const denied = this.authenticate(req)
    if (denied) return denied
    const failure = this.injected('graphql')
    if (failure) return failureReply(failure)
    const variables = (body as { variables: Record<string, unknown> }).variables
    this.graphqlCalls.push({
      mutation: 'enablePullRequestAutoMerge',
      variables
    })
    return this.enableAutoMerge(
      String(variables['pullRequestId']),
      String(variables['mergeMethod'])
    )
  }

  private enableAutoMerge(nodeId: string, method: string): Reply {
    for (const repo of this.repos.values()) {
      const pull = repo.pulls.find(p => p.nodeId === nodeId)
      if (!pull) continue
      if (!repo.allowAutoMerge) {
        return graphqlError(
          'UNPROCESSABLE',
          'Auto merge is not allowed for this repository'
        )
      }
      pull.autoMerge = method
      return {
        status: 200,
        body: {
          data: {
            enablePullRequestAutoMerge: {
              pullRequest: { autoMergeRequest: { mergeMethod: method } }
            }
          }
        }
      }
    }
    return graphqlError(
      'NOT_FOUND',
      `Could not resolve to a node with the global id of '${nodeId}'`
    )
  }
}

/** Starts a double on a random loopback port. */
export async function startGitHubDouble(
  options: StartOptions
): Promise<GitHubDouble> {
  const double = new GitHubDouble(options)
  await double.listen()
  return double
}

function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase()
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {
    'x-github-request-id': crypto.randomUUID(),
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    ...reply.headers
  }
  if (reply.raw) {
    headers['content-type'] = 'application/octet-stream'
    res.writeHead(reply.status, headers).end(reply.raw)
    return
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end()
    return
  }
  headers['content-type'] = 'application/json; charset=utf-8'
  res.writeHead(reply.status, headers).end(JSON.stringify(reply.body))
}

function invalidRequest(problems: string[]): Reply {
  return {
    status: 400,
    body: {
      message: `Request does not match GitHub's OpenAPI description: ${problems.join('; ')}`,
      documentation_url: DOCS,
      status: '400'
    }
  }
}

function failureReply(failure: InjectedFailure): Reply {
  const retryAfter = failure.retryAfter ?? 1
  switch (failure.kind) {
    case 'secondary-rate-limit':
      return {
        ...message(
          failure.status ?? 403,
          'You have exceeded a secondary rate limit. Please wait a few ' +
            'minutes before you try again. If you reach out to GitHub ' +
            'Support for help, please include the request ID 0000:1111.'
        ),
        headers: { 'retry-after': String(retryAfter) }
      }
    case 'rate-limit':
      return {
        ...message(403, 'API rate limit exceeded for installation ID 1.'),
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(
            Math.floor(Date.now() / 1000) + retryAfter
          )
        }
      }
    case 'forbidden':
      return message(403, 'Resource not accessible by integration')
    case 'server-error':
      return message(failure.status ?? 502, 'Server Error')
    case 'validation':
      return validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: failure.message ?? 'Validation failed'
        }
      ])
    case 'network':
    case 'lost-response':
      return { status: 0, drop: true }
    case 'stale-list':
      return { status: 200, body: [] }
  }
}

/** The only GraphQL the double knows: enablePullRequestAutoMerge. */
function graphqlProblems(body: unknown): string[] {
  const { query, variables } = (body ?? {}) as {
    query?: unknown
    variables?: Record<string, unknown>
  }
  if (typeof query !== 'string') return ['GraphQL body has no query string']
  const problems: string[] = []
  if (!/^\s*mutation\b[^{]*\{\s*enablePullRequestAutoMerge\s*\(/.test(query)) {
    problems.push('query is not a mutation calling enablePullRequestAutoMerge')
  }
  for (const [name, type] of [
    ['pullRequestId', 'ID!'],
    ['mergeMethod', 'PullRequestMergeMethod']
  ]) {
    if (
      !new RegExp(`\\$${name}\\s*:\\s*${type.replace('!', '\\!')}`).test(query)
    ) {
      problems.push(`query does not declare $${name}: ${type}`)
    }
    if (!new RegExp(`\\b${name}\\s*:\\s*\\$${name}\\b`).test(query)) {
      problems.push(`input does not pass ${name}: $${name}`)
    }
  }
  if (typeof variables?.['pullRequestId'] !== 'string') {
    problems.push('variables.pullRequestId is not a string')
  }
  if (!MERGE_METHODS.includes(String(variables?.['mergeMethod']))) {
    problems.push(
      `variables.mergeMethod is not one of ${MERGE_METHODS.join('|')}`
    )
  }
  return problems
}

function graphqlError(type: string, text: string): Reply {
  return {
    status: 200,
    body: {
      data: { enablePullRequestAutoMerge: null },
      errors: [
        {
          type,
          path: ['enablePullRequestAutoMerge'],
          locations: [{ line: 2, column: 3 }],
          message: text
        }
      ]
    }
  }
}

// ------------------------------------------------------------ Handlers

function storeBlob(repo: RepoState, content: Buffer): string {
  const sha = gitHash('blob', content)
  repo.blobs.set(sha, content)
  return sha
}

function storeTree(repo: RepoState, tree: FlatTree): string {
  const sha = treeHash(tree)
  repo.trees.set(sha, tree)
  return sha
}

/** Commit times: one second apart, so equal commits still differ. */
let clock = 1_700_000_000

function storeCommit(
  repo: RepoState,
  commit: Omit<CommitObject, 'sha'>
): string {
  const time = clock++
  const text = [
    `tree ${commit.tree}`,
    ...commit.parents.map(p => `parent ${p}`),
    `author GitHub <noreply@github.com> ${time} +0000`,
    `committer GitHub <noreply@github.com> ${time} +0000`,
    '',
    commit.message
  ].join('\n')
  const sha = gitHash('commit', Buffer.from(text))
  repo.commits.set(sha, { sha, ...commit })
  return sha
}

/** Whether `ancestor` is `commit` or reachable through its parents. */
function reachable(repo: RepoState, commit: string, ancestor: string): boolean {
  const queue = [commit]
  const seen = new Set<string>()
  while (queue.length > 0) {
    const sha = queue.shift()!
    if (sha === ancestor) return true
    if (seen.has(sha)) continue
    seen.add(sha)
    queue.push(...(repo.commits.get(sha)?.parents ?? []))
  }
  return false
}

function apiBase(repo: RepoState): string {
  return `https://api.github.test/repos/${repo.owner}/${repo.name}`
}

function repoJson(repo: RepoState): object {
  return {
    id: repo.id,
    node_id: `R_${Buffer.from(String(repo.id)).toString('base64url')}`,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: { login: repo.owner, type: 'Organization' },
    private: true,
    html_url: `https://github.test/${repo.owner}/${repo.name}`,
    url: apiBase(repo),
    default_branch: repo.defaultBranch,
    allow_auto_merge: repo.allowAutoMerge
  }
}

function pullJson(repo: RepoState, pull: PullRequestState): object {
  const branch = (ref: string) => ({
    ref,
    label: `${repo.owner}:${ref}`,
    sha: repo.refs.get(`refs/heads/${ref}`) ?? null,
    repo: repoJson(repo)
  })
  return {
    id: pull.number + repo.id * 1000,
    node_id: pull.nodeId,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    html_url: `https://github.test/${repo.owner}/${repo.name}/pull/${pull.number}`,
    url: `${apiBase(repo)}/pulls/${pull.number}`,
    head: branch(pull.head),
    base: branch(pull.base),
    labels: pull.labels.map(labelJson),
    requested_reviewers: pull.reviewers.map(login => ({ login, type: 'User' })),
    requested_teams: pull.teamReviewers.map(slug => ({ slug, name: slug })),
    auto_merge: pull.autoMerge
      ? { merge_method: pull.autoMerge.toLowerCase() }
      : null
  }
}

function labelJson(name: string): object {
  return { name, color: 'ededed', default: false }
}

function refJson(repo: RepoState, ref: string): object {
  const sha = repo.refs.get(ref)
  return {
    ref,
    url: `${apiBase(repo)}/git/${ref}`,
    object: { type: 'commit', sha, url: `${apiBase(repo)}/git/commits/${sha}` }
  }
}

function commitJson(repo: RepoState, commit: CommitObject): object {
  const person = {
    name: 'GitHub',
    email: 'noreply@github.com',
    date: '2023-11-14T22:13:20Z'
  }
  return {
    sha: commit.sha,
    url: `${apiBase(repo)}/git/commits/${commit.sha}`,
    message: commit.message,
    author: person,
    committer: person,
    tree: {
      sha: commit.tree,
      url: `${apiBase(repo)}/git/trees/${commit.tree}`
    },
    parents: commit.parents.map(sha => ({ sha })),
    verification: {
      verified: commit.verified,
      reason: commit.verified ? 'valid' : 'unsigned',
      signature: null,
      payload: null,
      verified_at: null
    }
  }
}

function findPull(ctx: Context): PullRequestState | undefined {
  const number = Number(ctx.params['pull_number'] ?? ctx.params['issue_number'])
  return ctx.repo.pulls.find(p => p.number === number)
}

/** `owner:branch` or `branch` of this repository, else undefined. */
function ownBranch(repo: RepoState, head: string): string | undefined {
  const [owner, branch] = head.includes(':')
    ? head.split(':', 2)
    : [repo.owner, head]
  return owner.toLowerCase() === repo.owner.toLowerCase() ? branch : undefined
}

function listPulls({ repo, query }: Context): Reply {
  const state = query.get('state') ?? 'open'
  // Like GitHub, a head filter without `owner:` is ignored.
  const head = query.get('head')?.includes(':')
    ? (ownBranch(repo, query.get('head')!) ?? '\0')
    : undefined
  const base = query.get('base') ?? undefined
  const pulls = repo.pulls
    .filter(p => state === 'all' || p.state === state)
    .filter(p => head === undefined || p.head === head)
    .filter(p => base === undefined || p.base === base)
    .sort((a, b) => b.createdAt - a.createdAt)
  return { status: 200, body: pulls.map(p => pullJson(repo, p)) }
}

function createPullProblem(
  repo: RepoState,
  head: string,
  base: string
): Reply | undefined {
  const headSha =
    repo.refs.get(`refs/heads/${head}`) ?? repo.gitBranchHead?.(head)
  const baseSha =
    repo.refs.get(`refs/heads/${base}`) ?? repo.gitBranchHead?.(base)
  if (!headSha)
    return validationFailed([
      { resource: 'PullRequest', field: 'head', code: 'invalid' }
    ])
  if (!baseSha)
    return validationFailed([
      { resource: 'PullRequest', field: 'base', code: 'invalid' }
    ])
  if (
    repo.pulls.some(
      p => p.state === 'open' && p.head === head && p.base === base
    )
  ) {
    return validationFailed([
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${repo.owner}:${head}.`
      }
    ])
  }
  if (reachable(repo, baseSha, headSha)) {
    return validationFailed([
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `No commits between ${base} and ${head}`
      }
    ])
  }
  return undefined
}

/**
 * GitHub's 422 for a pull request body over 65,536 characters, counted in
 * code points (Ruby's String#length): a body of 65,537 astral characters is
 * refused, as one of 65,537 ASCII ones is (measured in
 * dead-claudia/github-limits#13; the message is GitHub's, as in
 * renovatebot/renovate#2032).
 */
export const PULL_BODY_LIMIT = 65_536

function bodyTooLong(body: unknown): Reply | undefined {
  if (typeof body !== 'string' || [...body].length <= PULL_BODY_LIMIT)
    return undefined
  return validationFailed([
    {
      resource: 'Issue',
      code: 'custom',
      field: 'body',
      message: `body is too long (maximum is ${PULL_BODY_LIMIT} characters)`
    }
  ])
}

function createPull({ repo, body }: Context): Reply {
  const head = ownBranch(repo, String(body['head'])) ?? ''
  const base = String(body['base'])
  const problem =
    bodyTooLong(body['body']) ?? createPullProblem(repo, head, base)
  if (problem) return problem
  const number = repo.pulls.length + 1
  const pull: PullRequestState = {
    number,
    nodeId: `PR_kw${Buffer.from(`${repo.id}:${number}`).toString('base64url')}`,
    state: 'open',
    title: String(body['title'] ?? ''),
    body: String(body['body'] ?? ''),
    draft: body['draft'] === true,
    head,
    base,
    labels: [],
    reviewers: [],
    teamReviewers: [],
    createdAt: Date.now() + number / 1000
  }
  repo.pulls.push(pull)
  return { status: 201, body: pullJson(repo, pull) }
}

function updatePull(ctx: Context): Reply {
  const pull = findPull(ctx)
  if (!pull) return message(404, 'Not Found')
  const { title, body, state } = ctx.body
  const tooLong = bodyTooLong(body)
  if (tooLong) return tooLong
  if (typeof title === 'string') pull.title = title
  if (typeof body === 'string') pull.body = body
  if (state === 'open' || state === 'closed') pull.state = state
  return { status: 200, body: pullJson(ctx.repo, pull) }
}

function addLabels(ctx: Context): Reply {
  const pull = findPull(ctx)
  if (!pull) return message(404, 'Not Found')
  const labels = (ctx.body['labels'] as (string | { name: string })[]).map(l =>
    typeof l === 'string' ? l : l.name
  )
  for (const label of labels)
    if (!pull.labels.includes(label)) pull.labels.push(label)
  return { status: 200, body: pull.labels.map(labelJson) }
}

function requestReviewers(ctx: Context): Reply {
  const pull = findPull(ctx)
  if (!pull) return message(404, 'Not Found')
  const users = (ctx.body['reviewers'] ?? []) as string[]
  const teams = (ctx.body['team_reviewers'] ?? []) as string[]
  if (teams.some(t => t.includes('/'))) {
    return validationFailed([
      {
        resource: 'PullRequest',
        field: 'team_reviewers',
        code: 'invalid',
        message: 'team_reviewers takes team slugs'
      }
    ])
  }
  pull.reviewers.push(...users.filter(u => !pull.reviewers.includes(u)))
  pull.teamReviewers.push(...teams.filter(t => !pull.teamReviewers.includes(t)))
  return { status: 201, body: pullJson(ctx.repo, pull) }
}

function getRef({ repo, params }: Context): Reply {
  const ref = `refs/${params['ref']}`
  if (!repo.refs.has(ref)) return message(404, 'Not Found')
  return { status: 200, body: refJson(repo, ref) }
}

function getCommit({ repo, params }: Context): Reply {
  const commit = repo.commits.get(params['commit_sha'])
  if (!commit) return message(404, 'Not Found')
  return { status: 200, body: commitJson(repo, commit) }
}

function createBlob({ repo, body }: Context): Reply {
  const encoding = String(body['encoding'] ?? 'utf-8')
  if (encoding !== 'utf-8' && encoding !== 'base64') {
    return message(422, `encoding must be utf-8 or base64`)
  }
  const content = Buffer.from(
    String(body['content']),
    encoding === 'base64' ? 'base64' : 'utf8'
  )
  const sha = storeBlob(repo, content)
  return {
    status: 201,
    body: { sha, url: `${apiBase(repo)}/git/blobs/${sha}` }
  }
}

interface TreeInput {
  path?: string
  mode?: string
  type?: string
  sha?: string | null
  content?: string
}

function applyTreeEntry(
  repo: RepoState,
  tree: FlatTree,
  entry: TreeInput
): string | undefined {
  if (!entry.path || entry.type !== 'blob' || !entry.mode) {
    return 'the double takes blob entries with path, mode and type only'
  }
  if (entry.sha === null) {
    tree.delete(entry.path)
    return undefined
  }
  const sha =
    entry.content !== undefined
      ? storeBlob(repo, Buffer.from(entry.content))
      : entry.sha
  if (!sha || !repo.blobs.has(sha)) return `tree.sha ${sha} is not a valid blob`
  tree.set(entry.path, { mode: entry.mode, sha })
  return undefined
}

function createTree({ repo, body }: Context): Reply {
  const baseSha = body['base_tree'] as string | undefined
  const base = baseSha === undefined ? new Map() : repo.trees.get(baseSha)
  if (!base) return message(422, 'base_tree is not a valid tree')
  const tree: FlatTree = new Map(base)
  for (const entry of body['tree'] as TreeInput[]) {
    const problem = applyTreeEntry(repo, tree, entry)
    if (problem) return message(422, problem)
  }
  const sha = storeTree(repo, tree)
  const entries = [...tree].map(([path, e]) => ({
    path,
    mode: e.mode,
    type: 'blob',
    sha: e.sha
  }))
  return {
    status: 201,
    body: {
      sha,
      url: `${apiBase(repo)}/git/trees/${sha}`,
      tree: entries,
      truncated: false
    }
  }
}

function createCommit({ repo, body }: Context): Reply {
  const tree = String(body['tree'])
  const parents = (body['parents'] ?? []) as string[]
  if (!repo.trees.has(tree)) return message(422, 'Tree SHA does not exist')
  if (parents.some(p => !repo.commits.has(p))) {
    return message(422, 'Parent SHA does not exist or is not a commit object')
  }
  // GitHub signs the commits it writes itself (no author/committer given).
  const verified =
    body['author'] === undefined && body['committer'] === undefined
  const sha = storeCommit(repo, {
    tree,
    parents,
    message: String(body['message']),
    verified
  })
  return { status: 201, body: commitJson(repo, repo.commits.get(sha)!) }
}

function createRef({ repo, body }: Context): Reply {
  const ref = String(body['ref'])
  const sha = String(body['sha'])
  if (!/^refs\/[^/]+\/.+/.test(ref))
    return message(422, `${ref} is not a valid ref name.`)
  if (repo.refs.has(ref)) return message(422, 'Reference already exists')
  if (!repo.commits.has(sha)) return message(422, 'Object does not exist')
  repo.refs.set(ref, sha)
  return { status: 201, body: refJson(repo, ref) }
}

function updateRef({ repo, params, body }: Context): Reply {
  const ref = `refs/${params['ref']}`
  const sha = String(body['sha'])
  const current = repo.refs.get(ref)
  if (!current) return message(422, 'Reference does not exist')
  if (!repo.commits.has(sha)) return message(422, 'Object does not exist')
  if (body['force'] !== true && !reachable(repo, sha, current)) {
    return message(422, 'Update is not a fast forward')
  }
  repo.refs.set(ref, sha)
  return { status: 200, body: refJson(repo, ref) }
}

let attestationIds = 1

/** What GitHub checks of a bundle before it stores it; throws what is wrong. */
function attestedStatement(bundle: unknown): {
  subjectDigests: string[]
  predicateType: string
} {
  const parsed = bundleFromJSON(bundle)
  if (parsed.content.$case !== 'dsseEnvelope')
    throw new Error('the bundle must hold a DSSE envelope')
  const envelope = parsed.content.dsseEnvelope
  if (envelope.payloadType !== 'application/vnd.in-toto+json')
    throw new Error(`payloadType ${envelope.payloadType} is not in-toto`)
  const statement = JSON.parse(envelope.payload.toString('utf8')) as {
    subject?: { digest?: Record<string, string> }[]
    predicateType?: unknown
  }
  const subjectDigests = (statement.subject ?? []).flatMap(s =>
    Object.entries(s.digest ?? {}).map(([alg, hex]) => `${alg}:${hex}`)
  )
  if (subjectDigests.length === 0)
    throw new Error('the statement has no subject digest')
  if (typeof statement.predicateType !== 'string')
    throw new Error('the statement has no predicateType')
  return { subjectDigests, predicateType: statement.predicateType }
}

function createAttestation({ repo, body }: Context): Reply {
  const bundle = body['bundle'] as Record<string, unknown>
  let statement: ReturnType<typeof attestedStatement>
  try {
    statement = attestedStatement(bundle)
  } catch (error) {
    return validationFailed([
      {
        resource: 'Attestation',
        field: 'bundle',
        code: 'invalid',
        message: (error as Error).message
      }
    ])
  }
  const id = attestationIds++
  repo.attestations.push({ id, bundle, ...statement })
  return { status: 201, body: { id } }
}

/** The predicate_type filter: GitHub's aliases, else the exact type. */
function predicateMatches(predicateType: string, filter: string): boolean {
  switch (filter) {
    case 'provenance':
      return predicateType.startsWith('https://slsa.dev/provenance/')
    case 'sbom':
      return (
        predicateType.startsWith('https://spdx.dev/Document') ||
        predicateType.startsWith('https://cyclonedx.org/bom')
      )
    case 'release':
      return predicateType.startsWith('https://in-toto.io/attestation/release')
    default:
      return predicateType === filter
  }
}

function listAttestations({ repo, params, query }: Context): Reply {
  const digest = params['subject_digest'].toLowerCase()
  const filter = query.get('predicate_type')
  const perPage = Number(query.get('per_page') ?? 30)
  const found = repo.attestations
    .filter(a => a.subjectDigests.includes(digest))
    .filter(a => filter === null || predicateMatches(a.predicateType, filter))
    .slice(0, perPage)
  return {
    status: 200,
    body: {
      attestations: found.map(a => ({
        bundle: a.bundle,
        repository_id: repo.id
      }))
    }
  }
}

// ------------------------------------------------------------- Releases

const UPLOADS = '/uploads'

function isUpload(matched: MatchedRoute): boolean {
  return matched.route.operation.operationId === 'repos/upload-release-asset'
}

/** An upload is raw bytes with their type and length. */
function rawBodyProblems(req: http.IncomingMessage, raw: Buffer): string[] {
  const problems: string[] = []
  if (!req.headers['content-type']) problems.push('upload has no content-type')
  if (raw.length === 0) problems.push('upload has no body')
  return problems
}

let releaseIds = 1

function assetJson(ctx: Context, asset: StoredAsset): object {
  return {
    id: asset.id,
    name: asset.name,
    size: asset.data.length,
    state: 'uploaded',
    content_type: 'application/octet-stream',
    url: `${apiBase(ctx.repo)}/releases/assets/${asset.id}`,
    browser_download_url: `${ctx.htmlUrl}/releases/download/x/${asset.name}`
  }
}

function releaseJson(ctx: Context, release: StoredRelease): object {
  return {
    id: release.id,
    tag_name: release.tag,
    name: release.name,
    body: release.body,
    draft: false,
    prerelease: false,
    target_commitish: release.targetCommitish,
    html_url: `${ctx.htmlUrl}/releases/tag/${encodeURIComponent(release.tag)}`,
    url: `${apiBase(ctx.repo)}/releases/${release.id}`,
    upload_url: `${ctx.uploadsUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}/releases/${release.id}/assets{?name,label}`,
    assets: release.assets.map(a => assetJson(ctx, a))
  }
}

function findRelease(ctx: Context): StoredRelease | undefined {
  const id = Number(ctx.params['release_id'])
  return ctx.repo.releases.find(r => r.id === id)
}

function createRelease(ctx: Context): Reply {
  const tag = String(ctx.body['tag_name'])
  if (ctx.repo.releases.some(r => r.tag === tag))
    return validationFailed([
      { resource: 'Release', code: 'already_exists', field: 'tag_name' }
    ])
  const release: StoredRelease = {
    id: releaseIds++,
    tag,
    name: String(ctx.body['name'] ?? tag),
    body: String(ctx.body['body'] ?? ''),
    targetCommitish: String(
      ctx.body['target_commitish'] ?? ctx.repo.defaultBranch
    ),
    assets: []
  }
  ctx.repo.releases.push(release)
  return { status: 201, body: releaseJson(ctx, release) }
}

function uploadAsset(ctx: Context): Reply {
  const release = findRelease(ctx)
  if (!release) return message(404, 'Not Found')
  const name = ctx.query.get('name') ?? ''
  if (release.assets.some(a => a.name === name))
    return validationFailed([
      { resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }
    ])
  const asset = { id: releaseIds++, name, data: Buffer.from(ctx.raw) }
  release.assets.push(asset)
  return { status: 201, body: assetJson(ctx, asset) }
}

function getAsset(ctx: Context): Reply {
  const id = Number(ctx.params['asset_id'])
  const asset = ctx.repo.releases.flatMap(r => r.assets).find(a => a.id === id)
  if (!asset) return message(404, 'Not Found')
  return ctx.accept.includes('application/octet-stream')
    ? { status: 200, raw: asset.data }
    : { status: 200, body: assetJson(ctx, asset) }
}

const RELEASE_HANDLERS: Record<string, Handler> = {
  'repos/get-release-by-tag': ctx => {
    const release = ctx.repo.releases.find(r => r.tag === ctx.params['tag'])
    return release
      ? { status: 200, body: releaseJson(ctx, release) }
      : message(404, 'Not Found')
  },
  'repos/create-release': createRelease,
  'repos/update-release': ctx => {
    const release = findRelease(ctx)
    if (!release) return message(404, 'Not Found')
    if (typeof ctx.body['name'] === 'string') release.name = ctx.body['name']
    if (typeof ctx.body['body'] === 'string') release.body = ctx.body['body']
    return { status: 200, body: releaseJson(ctx, release) }
  },
  'repos/list-release-assets': ctx => {
    const release = findRelease(ctx)
    if (!release) return message(404, 'Not Found')
    return { status: 200, body: release.assets.map(a => assetJson(ctx, a)) }
  },
  'repos/get-release-asset': getAsset,
  'repos/upload-release-asset': uploadAsset
}

const HANDLERS: Record<string, Handler> = {
  'repos/get': ({ repo }) => ({ status: 200, body: repoJson(repo) }),
  'pulls/list': listPulls,
  'pulls/create': createPull,
  'pulls/update': updatePull,
  'issues/add-labels': addLabels,
  'pulls/request-reviewers': requestReviewers,
  'git/get-ref': getRef,
  'git/get-commit': getCommit,
  'git/create-blob': createBlob,
  'git/create-tree': createTree,
  'git/create-commit': createCommit,
  'git/create-ref': createRef,
  'git/update-ref': updateRef,
  'repos/create-attestation': createAttestation,
  'repos/list-attestations': listAttestations,
  ...RELEASE_HANDLERS
}
