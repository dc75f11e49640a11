// The closing line of .ci/run, "N passed, N failed", from vitest's JSON report of this run.
//   node .ci/summary.mjs <report.json> <run started, ms since epoch> <vitest exit code> <check exit code>
// A missing, unreadable or older report, a file that could not run, a run with no tests, a
// non-zero vitest exit with no failed test (an unhandled error) and a failed `npm run check`
// each count as a failure; the reason goes to stderr. Exit 0 only when nothing failed.
import { readFileSync } from 'node:fs';

const [reportPath, startedArg, testRcArg, checkRcArg = '0'] = process.argv.slice(2);
const started = Number(startedArg);
const testRc = Number(testRcArg);
const checkRc = Number(checkRcArg);

let passed = 0;
let failed = 0;
const why = [];
let report = null;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (err) {
  why.push(`no readable test report (${err.code ?? err.message})`);
}
if (report) {
  passed = Number(report.numPassedTests) || 0;
  failed = Number(report.numFailedTests) || 0;
  const failedSuites = Number(report.numFailedTestSuites) || 0;
  if (!(Number(report.startTime) >= started - 5000)) {
    why.push('the test report is from an earlier run');
    passed = 0;
    failed = Math.max(failed, 1);
  } else if (!(Number(report.numTotalTests) > 0)) {
    why.push('no tests ran');
    failed += 1;
  } else if (failed === 0 && failedSuites > 0) {
    why.push(`${failedSuites} test file(s) or suite(s) failed outside any test`);
    failed = failedSuites;
  } else if (failed === 0 && report.success === false) {
    why.push('vitest reports the run unsuccessful');
    failed = 1;
  }
} else failed = 1;
if (failed === 0 && testRc !== 0) {
  why.push(`vitest exited ${testRc} with no failed test (an unhandled error?)`);
  failed = 1;
}
if (checkRc !== 0) {
  why.push('npm run check failed');
  failed += 1;
}
for (const w of why) process.stderr.write(`[ci] ${w}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
