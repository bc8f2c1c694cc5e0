// Preloaded (`node --require`) into connectors the reliability suite spawns: at exit, the process's peak
// resident set size (kB, from the kernel) goes to the file RSS_REPORT_FILE names. A process that dies of
// memory exhaustion never writes it, which the test takes as a failure.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.RSS_REPORT_FILE) writeFileSync(process.env.RSS_REPORT_FILE, String(process.resourceUsage().maxRSS));
});
