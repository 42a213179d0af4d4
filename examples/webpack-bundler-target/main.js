import * as loopbridge from 'loopbridge';
import { runChecks, show } from '../checks/checks.js';

show(await runChecks(loopbridge));
