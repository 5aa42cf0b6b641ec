// Loopback doubles of what keyless Sigstore signing talks to from a GitHub
// Actions job: the runner's OIDC token endpoint (oidc-double.ts), Fulcio
// (fulcio-double.ts), Rekor (rekor-double.ts) and an RFC 3161 timestamp
// authority, each a real node:http(s) server on its own loopback port, so the
// action's HTTP clients run unchanged. Their certificate authority, logs and
// TSA are @sigstore/mock's, with fresh keys per double; `trustedRoot` names
// exactly those (sigstore-trust.ts).
//
// A double has the services of one shape of Sigstore, and no others:
// - 'public-good': Fulcio (with a CT log) and Rekor, no timestamp authority,
//   as Sigstore's public-good instance is used by cosign 2, sigstore-js and
//   GitHub's attestations for public repositories;
// - 'github': GitHub's instance, Fulcio (no CT log) and a timestamp
//   authority, no Rekor: private signatures, nothing public;
// - 'private' (the default): a Sigstore of your own with all three.
// With `realHosts`, 'public-good' and 'github' are served over TLS under the
// real host names the action uses for them (fulcio.sigstore.dev, ...),
// through a CONNECT proxy that routes those names to the doubles and refuses
// anything else; `networkEnv` is what a run needs to go through it.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { initializeTSA, tsaHandler } from '@sigstore/mock'
import { startConnectProxy, type ConnectProxy } from './connect-proxy.js'
import { startFulcio } from './fulcio-double.js'
import {
  defaultRun,
  GITHUB_OIDC_ISSUER,
  githubClaims,
  OidcEndpoint,
  TokenIssuer,
  type GitHubOidcClaims,
  type OidcMode,
  type OidcRequest,
  type WorkflowRun
} from './oidc-double.js'
import { removeDir, tempDir } from './paths.js'
import { startRekor, type RekorEntry } from './rekor-double.js'
import {
  errorReply,
  isJson,
  ServiceHost,
  toPem,
  viewBytes,
  type FailureOptions,
  type Route,
  type SigstoreRequest,
  type SigstoreService
} from './sigstore-http.js'
import {
  TRUSTED_ROOT_MEDIA_TYPE,
  trustedRootOf,
  type InstanceKeys,
  type TrustedRootJson
} from './sigstore-trust.js'
import { makeServerCertificate } from './tls.js'

export { GITHUB_OIDC_ISSUER, TRUSTED_ROOT_MEDIA_TYPE }
export type {
  FailureOptions,
  GitHubOidcClaims,
  OidcMode,
  OidcRequest,
  RekorEntry,
  SigstoreRequest,
  SigstoreService,
  TrustedRootJson,
  WorkflowRun
}

/** Which services a Sigstore has. */
export type InstanceShape = 'public-good' | 'github' | 'private'

/**
 * The instances' real base URLs, as src/sigstore/instance.ts should name
 * them (written out again here, so that a change there fails a test).
 */
export const INSTANCE_URLS = {
  'public-good': {
    fulcio: 'https://fulcio.sigstore.dev',
    rekor: 'https://rekor.sigstore.dev'
  },
  github: {
    fulcio: 'https://fulcio.githubapp.com',
    tsa: 'https://timestamp.githubapp.com'
  }
} as const

export interface SigstoreDoubleOptions<S extends InstanceShape> {
  workflow?: Partial<WorkflowRun>
  oidc?: OidcMode
  /** Default 'private': Fulcio, Rekor and a timestamp authority. */
  shape?: S
  /** Serve under the instance's real host names ('public-good', 'github'). */
  realHosts?: boolean
}

/** What the signatures made through this double carry. */
export interface SignerIdentity {
  /** `https://github.com/${job_workflow_ref}`, as real Fulcio writes it. */
  subjectAlternativeName: string
  /** The token issuer, in the Fulcio issuer extension. */
  issuer: string
}

/** A double of shape S; the default is the private shape (all three services). */
export interface SigstoreDouble<S extends InstanceShape = 'private'> {
  shape: S
  /** Base URLs as @sigstore/sign takes them (fulcioBaseURL, ...). */
  fulcioUrl: string
  /** Absent on GitHub's instance, which has no log. */
  rekorUrl: S extends 'github' ? undefined : string
  /** Absent on public-good, which has no timestamp authority. */
  tsaUrl: S extends 'public-good' ? undefined : string
  /**
   * With `realHosts`: HTTPS_PROXY, NO_PROXY (loopback) and
   * NODE_EXTRA_CA_CERTS for a run to reach the doubles by their real names;
   * otherwise {}.
   */
  networkEnv: Record<string, string>
  /** With `realHosts`: every host:port a client asked the proxy for. */
  proxied(): string[]
  /**
   * ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, or {}
   * when the OIDC mode is 'absent'. Read it after setOidc().
   */
  readonly oidcEnv: Record<string, string>
  /** The claims the tokens carry (aud aside, which the request chooses). */
  claims: GitHubOidcClaims
  identity: SignerIdentity
  trustedRoot: TrustedRootJson
  /** trustedRoot written to a file (for cosign --trusted-root and tools). */
  trustedRootFile: string
  /** DER of Fulcio's chain past the leaf: intermediate, then root. */
  fulcioChain: Buffer[]
  /** Every request to any of the services, in order. */
  requests: SigstoreRequest[]
  oidcRequests: OidcRequest[]
  /** PEM leaf certificates Fulcio issued. */
  certificates: string[]
  /** Entries Rekor logged ([] without Rekor). */
  rekorEntries(): RekorEntry[]
  /** A token as the OIDC endpoint would answer, without the HTTP. */
  idToken(audience?: string, overrides?: GitHubOidcClaims): string
  /** Changes the OIDC endpoint's behaviour from now on. */
  setOidc(mode: OidcMode): void
  /** Answers the next request(s) to a service with `status`. */
  failNext(
    service: SigstoreService,
    status: number,
    options?: FailureOptions
  ): void
  /** Forgets the failures not yet used. */
  clearFailures(): void
  stop(): Promise<void>
}

/** The timestamp authority: POST /api/v1/timestamp, GET …/certchain. */
async function startTsa(): Promise<{ route: Route; chain: Buffer[] }> {
  const tsa = await initializeTSA(
    crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  )
  // The mock's TSA writes genTime as asn1js encodes milliseconds, trailing
  // zeros cut ("...30.12Z"), which @sigstore/core parses only with exactly
  // three digits: one timestamp in ten would not verify. Whole seconds
  // encode without a fraction.
  Object.assign(tsa, {
    getCurrentTime: () => new Date(Math.floor(Date.now() / 1000) * 1000)
  })
  const handler = tsaHandler(tsa)
  const chain = [viewBytes(tsa.intCertificate), viewBytes(tsa.rootCertificate)]
  const route: Route = async (req, url, body) => {
    if (req.method === 'GET' && url.pathname === '/api/v1/timestamp/certchain')
      return {
        status: 200,
        body: chain.map(der => toPem(der)).join(''),
        contentType: 'application/pem-certificate-chain'
      }
    if (req.method !== 'POST' || url.pathname !== '/api/v1/timestamp')
      return errorReply(404, 'Not Found')
    if (!isJson(req)) return errorReply(415, 'Content-Type must be JSON')
    const { statusCode, response, contentType } = await handler.fn(
      body.toString('utf8')
    )
    if (statusCode !== 201) return errorReply(400, String(response))
    return { status: 201, body: viewBytes(response as Buffer), contentType }
  }
  return { route, chain }
}

interface Addresses {
  fulcio: string
  rekor?: string
  tsa?: string
}

/** Where the services are reached: loopback, or their real names via the proxy. */
async function startNetwork(
  host: ServiceHost,
  real: Addresses | undefined,
  routes: Record<keyof Addresses, Route | undefined>,
  dir: string
): Promise<{ urls: Addresses; proxy?: ConnectProxy; caFile?: string }> {
  const urls: Partial<Addresses> = {}
  const proxyRoutes: Record<string, string> = {}
  for (const service of ['fulcio', 'rekor', 'tsa'] as const) {
    const route = routes[service]
    if (!route) continue
    const local = await host.serve(service, route, real !== undefined)
    const name = real?.[service]
    if (name) proxyRoutes[`${new URL(name).hostname}:443`] = new URL(local).host
    urls[service] = name ?? local
  }
  if (!real) return { urls: urls as Addresses }
  const proxy = await startConnectProxy({ routes: proxyRoutes })
  return {
    urls: urls as Addresses,
    proxy,
    caFile: path.join(dir, 'tls', 'ca.crt')
  }
}

/** Starts the OIDC endpoint and the services of `shape` on loopback ports. */
export async function startSigstoreDouble<S extends InstanceShape = 'private'>(
  options: SigstoreDoubleOptions<S> = {}
): Promise<SigstoreDouble<S>> {
  const shape = (options.shape ?? 'private') as S
  const real = options.realHosts
    ? INSTANCE_URLS[shape as Exclude<InstanceShape, 'private'>]
    : undefined
  if (options.realHosts && !real)
    throw new Error('realHosts needs the public-good or github shape')
  const dir = tempDir('hor-sigstore-')
  const names = real
    ? Object.values(real).map(url => new URL(url).hostname)
    : []
  const host = new ServiceHost(
    real ? makeServerCertificate(path.join(dir, 'tls'), names) : undefined
  )
  const claims = githubClaims(defaultRun(options.workflow ?? {}))
  const tokens = new TokenIssuer(claims)
  const oidc = new OidcEndpoint(tokens, options.oidc ?? 'ok')
  const oidcOrigin = await host.serve('oidc', oidc.route)
  // Authorities' validity starts on a whole second: Rekor's integratedTime
  // is in seconds and must not fall before it.
  const validFrom = new Date(Math.floor(Date.now() / 1000) * 1000)
  const fulcio = await startFulcio({
    tokens,
    ctLog: shape !== 'github',
    dir: path.join(dir, 'fulcio')
  })
  const tsa = shape === 'public-good' ? undefined : await startTsa()
  // The log signs checkpoints with its origin: known once it listens.
  let rekor: Awaited<ReturnType<typeof startRekor>> | undefined
  const rekorRoute: Route | undefined =
    shape === 'github'
      ? undefined
      : async (...args) =>
          rekor ? rekor.route(...args) : errorReply(503, 'starting')
  const network = await startNetwork(
    host,
    real,
    { fulcio: fulcio.route, rekor: rekorRoute, tsa: tsa?.route },
    dir
  )
  const { urls } = network
  if (urls.rekor) rekor = await startRekor(urls.rekor)
  const keys: InstanceKeys = {
    validFrom,
    fulcio: { url: urls.fulcio, chain: fulcio.chain },
    ctlog: fulcio.ctlog && { url: `${urls.fulcio}/ct`, ...fulcio.ctlog },
    rekor:
      rekor && urls.rekor
        ? { url: urls.rekor, publicKey: rekor.publicKey }
        : undefined,
    tsa: tsa && urls.tsa ? { url: urls.tsa, chain: tsa.chain } : undefined
  }
  const trustedRoot = trustedRootOf(keys)
  const trustedRootFile = path.join(dir, 'trusted_root.json')
  fs.writeFileSync(trustedRootFile, JSON.stringify(trustedRoot, null, 2))
  return {
    shape,
    fulcioUrl: urls.fulcio,
    rekorUrl: urls.rekor as SigstoreDouble<S>['rekorUrl'],
    tsaUrl: urls.tsa as SigstoreDouble<S>['tsaUrl'],
    networkEnv: network.proxy
      ? {
          HTTPS_PROXY: network.proxy.url,
          NO_PROXY: '127.0.0.1,localhost',
          NODE_EXTRA_CA_CERTS: network.caFile ?? ''
        }
      : {},
    proxied: () => network.proxy?.targets.map(t => t.target) ?? [],
    get oidcEnv(): Record<string, string> {
      return oidc.env(oidcOrigin)
    },
    claims,
    identity: {
      subjectAlternativeName: `https://github.com/${claims.job_workflow_ref}`,
      issuer: GITHUB_OIDC_ISSUER
    },
    trustedRoot,
    trustedRootFile,
    fulcioChain: fulcio.chain,
    requests: host.requests,
    oidcRequests: oidc.requests,
    certificates: fulcio.certificates,
    rekorEntries: () => rekor?.entries() ?? [],
    idToken: (audience = 'sigstore', overrides = {}) =>
      tokens.mint(audience, overrides),
    setOidc(mode) {
      oidc.mode = mode
    },
    failNext: (service, status, failureOptions) =>
      host.failNext(service, status, failureOptions),
    clearFailures: () => host.clearFailures(),
    async stop() {
      await Promise.all([host.stop(), network.proxy?.stop()])
      removeDir(dir)
    }
  }
}
