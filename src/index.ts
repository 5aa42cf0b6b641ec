// The entry point for both `main` and `post` in action.yml: it dispatches, nothing more.
import { run } from './main.js'
import { runPost } from './post.js'
import { isPost } from './state.js'

await (isPost() ? runPost() : run())
