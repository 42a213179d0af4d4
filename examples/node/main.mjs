// loopbridge in Node 20.19+: the package's `node` build loads by itself.
// CounterWorker and its streams work; the classes that need a browser
// (Web Workers, localStorage) throw an Error that says so.
import * as loopbridge from 'loopbridge';
import { runChecks } from '../checks/checks.js';

console.log(JSON.stringify(await runChecks(loopbridge), null, 2));
