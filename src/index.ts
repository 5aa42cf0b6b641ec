// The entry point for `main` in action.yml; a runner or test that still runs it
// as `post` gets the post step too. It dispatches, nothing more: each path is an
// import(), so the post step never loads the release code, nor main the clean-up.
import { isPost } from './state.js'

if (isPost()) await (await import('./post.js')).runPost()
else await (await import('./main.js')).run()
