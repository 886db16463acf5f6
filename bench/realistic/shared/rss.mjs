// Preloaded into every process bench:realistic times: reports the process's peak RSS (all its
// threads) on exit, in kB, and its CPU time (user + system, all threads), in µs, on stderr.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(
    `\nSLUICE_BENCH_MAXRSS=${usage.maxRSS}\nSLUICE_BENCH_CPU=${usage.userCPUTime + usage.systemCPUTime}\n`,
  );
});
