// Prints one plain closing line, "tests: N passed, N failed, N skipped", that any CI can read
// whatever runner it knows. Written when the process exits, so that it stays the last line,
// after jest's own summary and the coverage table.
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`;
    process.on("exit", () => process.stderr.write(line));
  }
}
module.exports = PlainSummaryReporter;
