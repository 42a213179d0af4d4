// No bundler: the browser loads the package's files as they are installed.
// The server must send COOP/COEP for SharedArrayBuffer and BlockingWorker.
import * as loopbridge from './node_modules/loopbridge/loopbridge.js';
import { runChecks, show } from '../checks/checks.js';

show(await runChecks(loopbridge));
