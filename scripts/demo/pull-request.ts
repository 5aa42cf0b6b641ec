// The GitOps pull request step 2 opened, as the GitHub API double holds it:
// its title, and its body (the pin changes, the rendered preview of each
// place, the changelog) written to a file and shown.
import type { Demo } from './run.js'
import { GITOPS_REPO, OWNER } from './stand-ins.js'

/** Shows the pull request in the GitOps repository; throws when none opened. */
export function showPullRequest(demo: Demo): void {
  const [pull] = demo.standIns.github.pulls(OWNER, GITOPS_REPO)
  if (!pull)
    throw new Error(`no pull request was opened in ${OWNER}/${GITOPS_REPO}`)
  demo.show.say(
    `pull request #${pull.number} in ${OWNER}/${GITOPS_REPO} ` +
      `(${pull.head} -> ${pull.base}): ${pull.title}`
  )
  demo.show.file('2-pull-request.md', pull.body, 'its body (Markdown)')
  console.log(`\n┄┄┄ the pull request's body ┄┄┄\n${pull.body}┄┄┄ end ┄┄┄`)
}
