// 7. What keyless signing costs a release: the bundled action publishing a
// small chart and signing it (cosign's legacy `.sig` tag), and signing it in
// both layouts with SLSA provenance stored in the registry and in GitHub's
// attestations, against the same publish without signing. Sigstore (OIDC
// endpoint, Fulcio, Rekor, timestamp authority) and the GitHub API are the
// loopback doubles of the integration tests.
import path from 'node:path'
import { writeChart } from '../../__tests__/helpers/charts.js'
import {
  startGitHubDouble,
  type GitHubDouble,
  type RecordedRequest
} from '../../__tests__/helpers/github-double.js'
import {
  startSigstoreDouble,
  type SigstoreDouble,
  type SigstoreRequest
} from '../../__tests__/helpers/sigstore-double.js'
import { startFaultProxy } from '../../__tests__/helpers/fault-proxy.js'
import { runMainTimed, type TimedRun } from '../action.js'
import { alternate } from '../alternate.js'
import {
  commonInputs,
  GITHUB_CONTEXT,
  HELM_VERSION,
  type Fixture
} from '../fixture.js'
import {
  figure,
  ms,
  type Measurement,
  type Row,
  type Section
} from '../report.js'
import { median, pairedRatios, summarize, type Summary } from '../stats.js'

export interface SigningOptions {
  reps: number
}

/** The workflow repository (GITHUB_REPOSITORY), where attestations go. */
const OWNER = GITHUB_CONTEXT.repository_owner
const REPO = 'charts'
const ATTESTATIONS_TOKEN = 'ghs_benchAttestations0123456789abcdef'
const CHART = 'bench'

/** A step of a run: it starts at the first line matching `match` after the previous step's. */
interface Boundary {
  label: string
  match: RegExp
}

const STEP = {
  start: 'node start-up … registry lookup (as unsigned)',
  oidc: 'Check signing: OIDC token',
  probe: 'Check signing: registry probe',
  publish: 'log in, lint, package, push, verify (as unsigned)',
  legacy:
    'sign: chart manifest, look for a `.sig`; certificate, log, timestamp; push the `.sig`',
  bundle:
    'bundle signature: look for a referrer; certificate, log, timestamp; push the referrer',
  provenanceSign:
    'provenance: look for a referrer; certificate, log, timestamp; GitHub attestation',
  provenancePush: 'provenance: push the referrer',
  tail: 'outputs, job summary, clean-up, exit'
} as const

/** The steps only a signed run has, in the order of the log. */
const SIGNING_STEPS: readonly string[] = [
  STEP.oidc,
  STEP.probe,
  STEP.legacy,
  STEP.bundle,
  STEP.provenanceSign,
  STEP.provenancePush
]
const ORDER: readonly string[] = [
  STEP.start,
  STEP.oidc,
  STEP.probe,
  STEP.publish,
  STEP.legacy,
  STEP.bundle,
  STEP.provenanceSign,
  STEP.provenancePush,
  STEP.tail
]

const PUBLISHED: readonly Boundary[] = [
  { label: STEP.publish, match: /^::group::Log in/ },
  // After the verify: what the unsigned run does next (outputs, summary).
  { label: STEP.tail, match: /^The registry serves / }
]

const CHECKED: readonly Boundary[] = [
  { label: STEP.oidc, match: /^::group::Check signing/ },
  // Printed once the token is in hand and read; the probe follows.
  { label: STEP.probe, match: /^Signing identity: / },
  ...PUBLISHED,
  { label: STEP.legacy, match: /^::group::Sign and attest/ }
]

interface Variant {
  name: string
  /** Where the chart goes (a repository of its own, so versions never collide). */
  repository: string
  inputs: Record<string, string>
  steps: readonly Boundary[]
  /** Outputs a successful run of this variant sets. */
  outputs: readonly string[]
}

const PLAIN: Variant = {
  name: 'publish',
  repository: 'bench/signing-none',
  inputs: {},
  steps: PUBLISHED,
  outputs: ['digest']
}

const LEGACY: Variant = {
  name: 'publish + sign (legacy)',
  repository: 'bench/signing-legacy',
  inputs: { sign: 'true', 'signature-format': 'legacy' },
  steps: [...CHECKED, { label: STEP.tail, match: /^Signed \S+@sha256:/ }],
  outputs: ['digest', 'signature']
}

const FULL: Variant = {
  name: 'publish + sign + provenance (both)',
  repository: 'bench/signing-both',
  inputs: {
    sign: 'true',
    provenance: 'true',
    'signature-format': 'both',
    'github-token': ATTESTATIONS_TOKEN
  },
  steps: [
    ...CHECKED,
    { label: STEP.bundle, match: /^Signed \S+@sha256:/ },
    { label: STEP.provenanceSign, match: /^Sigstore bundle signature of / },
    { label: STEP.provenancePush, match: /^Attestation \d+ stored / },
    { label: STEP.tail, match: /^SLSA provenance of / }
  ],
  outputs: [
    'digest',
    'signature',
    'signatures',
    'attestation',
    'attestation-url'
  ]
}

const VARIANTS = [PLAIN, LEGACY, FULL] as const

/** One timed run: its duration, its steps, and what it asked of the doubles. */
interface Sample {
  ms: number
  steps: Map<string, number>
  sigstore: SigstoreRequest[]
  github: RecordedRequest[]
}

/**
 * Durations of the steps of one run, by label (a label met twice adds up):
 * each boundary is looked for after the previous one, and a step lasts until
 * the next boundary (the last until the process closed). Every boundary must
 * be there: a missing one means the log changed and the split would lie.
 */
function splitRun(run: TimedRun, variant: Variant): Map<string, number> {
  const found: { label: string; at: number }[] = [
    { label: STEP.start, at: run.spawnedAt }
  ]
  let from = 0
  for (const boundary of variant.steps) {
    const index = run.lines.findIndex(
      (line, i) => i >= from && boundary.match.test(line.text)
    )
    if (index < 0)
      throw new Error(
        `the ${variant.name} run printed no line matching ${String(boundary.match)}:\n` +
          run.lines.map(l => l.text).join('\n')
      )
    found.push({ label: boundary.label, at: run.lines[index].at })
    from = index + 1
  }
  const durations = new Map<string, number>()
  found.forEach((step, i) => {
    const end = i + 1 < found.length ? found[i + 1].at : run.closedAt
    durations.set(step.label, (durations.get(step.label) ?? 0) + end - step.at)
  })
  return durations
}

export async function measureSigning(
  fixture: Fixture,
  options: SigningOptions
): Promise<Measurement> {
  const sigstore = await startSigstoreDouble({
    workflow: {
      repository: `${OWNER}/${REPO}`,
      ref: 'refs/tags/v1.0.0',
      visibility: 'public'
    }
  })
  let github: GitHubDouble | undefined
  try {
    github = await startGitHubDouble({ tokens: [ATTESTATIONS_TOKEN] })
    github.addRepository({ owner: OWNER, repo: REPO })
    return await measure(fixture, options, sigstore, github)
  } finally {
    await Promise.all([sigstore.stop(), github?.close()])
  }
}

async function measure(
  fixture: Fixture,
  options: SigningOptions,
  sigstore: SigstoreDouble,
  github: GitHubDouble
): Promise<Measurement> {
  // The warm-up round's first run fills this tool cache; every later run reuses it.
  const toolCache = fixture.scratch('tool-cache')
  const runOnce = async (
    variant: Variant,
    round: number,
    registry = fixture.registry.host
  ): Promise<Sample> => {
    const version = `1.0.${round}`
    const dirs = fixture.runnerDirs('signing', toolCache)
    writeChart(path.join(dirs.workspace, 'charts'), {
      name: CHART,
      version
    })
    const sigstoreBefore = sigstore.requests.length
    const githubBefore = github.requests.length
    const run = await runMainTimed({
      inputs: {
        ...commonInputs(fixture),
        registry,
        chart: `charts/${CHART}`,
        repository: variant.repository,
        'sigstore-fulcio-url': sigstore.fulcioUrl,
        'sigstore-rekor-url': sigstore.rekorUrl,
        'sigstore-tsa-url': sigstore.tsaUrl,
        ...variant.inputs
      },
      github: GITHUB_CONTEXT,
      dirs,
      // The same environment on every side: only the inputs differ.
      env: {
        ...sigstore.oidcEnv,
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_API_URL: github.apiUrl,
        GITHUB_REF: `refs/tags/v${version}`
      }
    })
    for (const output of variant.outputs)
      if (!run.result.outputs[output])
        throw new Error(
          `the ${variant.name} run set no '${output}' output:\n${run.result.stdout}`
        )
    return {
      ms: run.ms,
      steps: splitRun(run, variant),
      sigstore: sigstore.requests.slice(sigstoreBefore),
      github: github.requests.slice(githubBefore)
    }
  }
  const [plain, legacy, full] = await alternate(
    VARIANTS.map(variant => ({
      name: variant.name,
      run: (round: number) => runOnce(variant, round)
    })),
    options.reps
  )
  // One more untimed run of each side through a proxy that records the
  // registry's requests (the proxy's hop stays out of the timed runs).
  const proxy = await startFaultProxy(fixture.registry.url, {
    match: () => false
  })
  const registryRequests: number[] = []
  try {
    for (const variant of VARIANTS) {
      const before = proxy.requests.length
      await runOnce(variant, options.reps + 1, proxy.host)
      registryRequests.push(proxy.requests.length - before)
    }
  } finally {
    await proxy.stop()
  }
  const times = (samples: Sample[]): number[] => samples.map(s => s.ms)
  const workload =
    `small chart, Helm ${HELM_VERSION}, new version each rep, anonymous registry; ` +
    'Fulcio, Rekor, timestamp authority and GitHub API are loopback doubles; ' +
    `${options.reps} reps`
  const row = (what: string, run: string, samples: Sample[]): Row => {
    const added = summarize(samples.map((sample, i) => sample.ms - plain[i].ms))
    return {
      what,
      workload:
        `action via \`runMain\`: ${run} vs the same publish without signing; ${workload}; ` +
        `adds ${addedText(added)} per run (paired differences)`,
      action: figure(times(samples), 'ms'),
      baseline: figure(times(plain), 'ms'),
      ratio: summarize(pairedRatios(times(samples), times(plain)))
    }
  }
  return {
    rows: [
      row(
        'Publish + sign (legacy `.sig`)',
        '`sign: true`, `signature-format: legacy`',
        legacy
      ),
      row(
        'Publish + sign + provenance (`both` layouts)',
        '`sign: true`, `provenance: true`, `signature-format: both` (`.sig` tag, bundle referrer, ' +
          'provenance referrer, attestation to the GitHub double)',
        full
      )
    ],
    sections: [signingSection({ plain, legacy, full }, registryRequests)]
  }
}

function addedText(added: Summary): string {
  const n = (v: number): string => ms(v).replace(/ ms$/, '')
  return added.n === 1
    ? ms(added.median)
    : `${ms(added.median)} (${n(added.min)}–${n(added.max)})`
}

/** The median of each step over the samples (a step missing from a run counts 0). */
function medianSteps(samples: readonly Sample[]): Map<string, number> {
  return new Map(
    ORDER.map(label => [
      label,
      median(samples.map(s => s.steps.get(label) ?? 0))
    ])
  )
}

/** What a request to a double is, for the report: singular, plural, endpoint. */
function describeRequest(
  service: string,
  method: string,
  route: string
): [string, string, string] {
  if (service === 'oidc')
    return ['OIDC token', 'OIDC tokens', `runner \`${method} …/idtoken\``]
  if (service === 'fulcio' && route.endsWith('/signingCert'))
    return ['certificate', 'certificates', `Fulcio \`${method} ${route}\``]
  if (service === 'rekor' && route === '/api/v1/log/entries')
    return ['Rekor entry', 'Rekor entries', `\`${method} ${route}\``]
  if (service === 'tsa' && route.endsWith('/timestamp'))
    return ['timestamp', 'timestamps', `TSA \`${method} ${route}\``]
  if (service === 'github' && route === 'repos/create-attestation')
    return ['attestation', 'attestations', `GitHub API \`${route}\``]
  const what = `${service} \`${method} ${route}\``
  return [`request to ${what}`, `requests to ${what}`, '']
}

/**
 * What one variant asked of the doubles per run, e.g. `2 certificates
 * (Fulcio …)`: a count if every run made the same, else median (min–max).
 */
function requestCounts(samples: readonly Sample[]): string {
  const kinds = new Map<string, { names: string[]; counts: number[] }>()
  const add = (names: string[], i: number): void => {
    const key = names.join('\u0000')
    const kind = kinds.get(key) ?? { names, counts: samples.map(() => 0) }
    kind.counts[i]++
    kinds.set(key, kind)
  }
  samples.forEach((sample, i) => {
    for (const r of sample.sigstore)
      add(describeRequest(r.service, r.method, r.path.replace(/\?.*$/, '')), i)
    for (const r of sample.github)
      add(describeRequest('github', r.method, r.operation ?? r.path), i)
  })
  const items = [...kinds.values()].map(({ names, counts }) => {
    const lo = Math.min(...counts)
    const hi = Math.max(...counts)
    const count = lo === hi ? String(lo) : `${median(counts)} (${lo}–${hi})`
    const [one, many, endpoint] = names
    return `${count} ${lo === 1 && hi === 1 ? one : many}${endpoint ? ` (${endpoint})` : ''}`
  })
  if (items.length === 0) return 'none'
  const totals = samples.map(s => s.sigstore.length + s.github.length)
  const lo = Math.min(...totals)
  const hi = Math.max(...totals)
  const all = lo === hi ? String(lo) : `${median(totals)} (${lo}–${hi})`
  return `${items.join(', ')}: ${all} requests in all`
}

function signingSection(
  samples: { plain: Sample[]; legacy: Sample[]; full: Sample[] },
  /** Requests to the registry in one run without signing, legacy, both. */
  [registryPlain, registryLegacy, registryFull]: number[]
): Section {
  const steps = {
    plain: medianSteps(samples.plain),
    legacy: medianSteps(samples.legacy),
    full: medianSteps(samples.full)
  }
  const has = (variant: Sample[], label: string): boolean =>
    variant.some(s => s.steps.has(label))
  const cellOf = (
    variant: Sample[],
    medians: Map<string, number>,
    label: string
  ): string => (has(variant, label) ? ms(medians.get(label) ?? 0) : '—')
  const total = (variant: Sample[]): number => median(variant.map(s => s.ms))
  const added = (variant: Sample[]): number =>
    median(variant.map((s, i) => s.ms - samples.plain[i].ms))
  const signingOnly = (medians: Map<string, number>): number =>
    SIGNING_STEPS.reduce((sum, label) => sum + (medians.get(label) ?? 0), 0)
  const lines = [
    'Where a signed run’s time goes (median of each step over the timed runs, from when each ' +
      'line arrived from the child process; “as unsigned” steps are the ones the run without ' +
      'signing has too):',
    '',
    '| step | without signing | sign (legacy) | sign + provenance (both) |',
    '| --- | --- | --- | --- |',
    ...ORDER.map(
      label =>
        `| ${label} | ${cellOf(samples.plain, steps.plain, label)} | ` +
        `${cellOf(samples.legacy, steps.legacy, label)} | ${cellOf(samples.full, steps.full, label)} |`
    ),
    `| whole run | ${ms(total(samples.plain))} | ${ms(total(samples.legacy))} | ${ms(total(samples.full))} |`,
    '',
    `The signing steps add up to ${ms(signingOnly(steps.legacy))} (legacy) and ` +
      `${ms(signingOnly(steps.full))} (both + provenance); the whole run grew by ` +
      `${ms(added(samples.legacy))} and ${ms(added(samples.full))} (median of the paired ` +
      'differences, which also carry the run-to-run spread of the steps a run without signing has). ' +
      'The registry probe found its manifests already in the repository (the warm-up round pushed ' +
      'them, as a repository’s first signed release does), so it is one `GET` of a manifest per layout.',
    '',
    'Requests to the doubles per signed chart (counted in every timed run):',
    '',
    `- sign (legacy): ${requestCounts(samples.legacy)}`,
    `- sign + provenance (both): ${requestCounts(samples.full)}`,
    `- without signing: ${requestCounts(samples.plain)}`,
    '',
    `The registry (counted through a recording proxy in one more, untimed, run of each side) ` +
      `answered ${registryPlain} requests for the run without signing, ${registryLegacy} for ` +
      `legacy (${registryLegacy - registryPlain} more) and ${registryFull} for both + provenance ` +
      `(${registryFull - registryPlain} more): the probe, the look for what is there, and the ` +
      'uploads of each signature and referrer.',
    '',
    'Fulcio, Rekor, the timestamp authority, the OIDC endpoint and the GitHub API are ' +
      'loopback doubles here: no network latency is in these figures. On GitHub each of those ' +
      'requests, and each extra registry request, is a round trip to a remote service, typically ' +
      'tens to a few hundred ms each; ' +
      'that is not measured here. These runs sign with both a Rekor log and a timestamp ' +
      'authority (`sigstore-rekor-url` and `sigstore-tsa-url` set, as the integration test does); ' +
      'the public-good instance uses the log only and GitHub’s instance the timestamp authority ' +
      'only: one request fewer per signature there.'
  ]
  return { title: 'Signing, step by step', lines }
}
