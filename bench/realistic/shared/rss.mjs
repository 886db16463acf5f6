// Preloaded into every process bench:realistic times: reports the process's peak RSS (all its
// threads) on exit, in kB, on stderr.
process.on('exit', () => process.stderr.write(`\nSLUICE_BENCH_MAXRSS=${process.resourceUsage().maxRSS}\n`));
