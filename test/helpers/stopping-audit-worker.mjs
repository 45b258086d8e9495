// An audit worker (dist/cli/audit-worker.js, tsc's build) that misbehaves on
// chosen domains, for the tests of src/cli/audit-workers.ts: on `stop.test`
// its thread exits at once (as a crash would end it); for `throw.test` it
// answers with an error before the real audit could.
import { parentPort } from 'node:worker_threads';
import '../../dist/cli/audit-worker.js';

parentPort.on('message', (request) => {
  if (request.target.domain === 'stop.test') process.exit(70);
  if (request.target.domain === 'throw.test') {
    parentPort.postMessage({ index: request.index, health: { wire: 0, timeouts: 0, refused: 0 }, error: 'the checks threw' });
  }
});
