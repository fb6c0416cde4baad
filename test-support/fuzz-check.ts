// Runs fast-check properties with the settings of the environment, so that one test file serves the short
// run in CI and the long run of scripts/fuzz.mjs:
//   FUZZ_RUNS     runs per property (default: the property's own small number)
//   FUZZ_SECONDS  time budget per property, in seconds (default: none); the runs stop there, as a pass
//   FUZZ_SEED     the seed a failure printed: replays the same inputs
import type { TestContext } from 'node:test';
import fc from 'fast-check';

const RUNS = process.env.FUZZ_RUNS === undefined ? undefined : Number(process.env.FUZZ_RUNS);
const SECONDS = process.env.FUZZ_SECONDS === undefined ? undefined : Number(process.env.FUZZ_SECONDS);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/**
 * Options for a test that runs properties: its time budget and a margin. (The whole file must still end
 * within the 180 s that scripts/test.mjs gives a file.)
 */
export const FUZZ_TEST_OPTIONS = { timeout: (SECONDS ?? 0) * 1000 + 120_000 };

/** Long runs of one character (values at the limits) shortened, so that a counterexample stays readable. */
const abridge = (text: string) =>
  text.replace(/(.)\1{39,}/gsu, (run: string, char: string) => `${char}<×${[...run].length}>`);

/**
 * Runs `property` `defaultRuns` times (or as the environment says). On failure it throws the seed, the
 * shrunk counterexample and the command that replays it.
 */
export async function checkProperty<T>(
  t: TestContext,
  file: string,
  defaultRuns: number,
  property: fc.IProperty<T> | fc.IAsyncProperty<T>,
): Promise<void> {
  const details = await fc.check(property as fc.IAsyncProperty<T>, {
    numRuns: RUNS ?? defaultRuns,
    ...(SEED !== undefined && { seed: SEED }),
    ...(SECONDS !== undefined && { interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false }),
  });
  t.diagnostic(`${details.numRuns} runs, seed ${details.seed}`);
  if (details.failed) {
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${abridge(fc.defaultReportMessage(details) ?? '')}\nfailure: ${abridge(cause)}\n` +
        `replay: FUZZ_SEED=${details.seed} node scripts/test.mjs ${file}`,
    );
  }
}
