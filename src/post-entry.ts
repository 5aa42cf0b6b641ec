// The entry for `post` in action.yml (dist/post.js): only the clean-up, so the
// step that runs after every job loads @actions/core and little else.
import { runPost } from './post.js'

await runPost()
