/**
 * The fuzz harness's watchdog (harness.ts), a worker thread: a hang that starves the event loop (a synchronous
 * infinite loop, a microtask loop) stops every timer of the thread that runs the entries, so only another thread can
 * see it. The harness's thread bumps a shared counter from a timer while an entry runs; when the counter stands still
 * for the stall limit, this thread ends the JavaScript that runs there (the inspector's Runtime.terminateExecution, the
 * same stop a worker's terminate() makes) and tells the harness, which then names the entry and the input as a
 * finding. Should the thread not come back within 10 s, the entry, seed and input number go to stderr and the process
 * ends: a run never waits for ever.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { Session } = require('node:inspector');
const { writeSync } = require('node:fs');

/** [0] heartbeat, [1] armed (1) or not (0), [2] stall limit in ms. */
const state = new Int32Array(workerData.state);
/** [0] seed, [1] input number of the input under way. */
const where = new Float64Array(workerData.where);
/** The entry's name, UTF-8, then its length in [0] of `nameLength`. */
const name = new Uint8Array(workerData.name);
const nameLength = new Int32Array(workerData.nameLength);

const session = new Session();
session.connectToMainThread();

let last = -1;
let since = Date.now();
let stoppedAt = 0;
setInterval(() => {
  const now = Date.now();
  const beat = Atomics.load(state, 0);
  if (Atomics.load(state, 1) === 0 || beat !== last) {
    last = beat;
    since = now;
    stoppedAt = 0;
    return;
  }
  const stallMs = Atomics.load(state, 2);
  if (stoppedAt === 0 && now - since >= stallMs) {
    stoppedAt = now;
    // The message waits in the harness thread's queue until the stop lets its event loop turn again.
    parentPort.postMessage({ stalledMs: now - since });
    session.post('Runtime.terminateExecution', {}, () => {});
  } else if (stoppedAt !== 0 && now - stoppedAt >= 10_000) {
    const entry = Buffer.from(name.subarray(0, Atomics.load(nameLength, 0))).toString('utf8');
    writeSync(
      2,
      `\nfuzz watchdog: ${entry} starved the event loop for ${Math.round((now - since) / 1000)} s and could not be stopped ` +
        `(seed ${where[0]}, input ${where[1]}; replay: REQSIGN_FUZZ_SEED=${where[0]}); ending the process\n`,
    );
    process.kill(process.pid, 'SIGKILL');
  }
}, 200);

parentPort.postMessage({ ready: true });
