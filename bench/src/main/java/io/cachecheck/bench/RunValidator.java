package io.cachecheck.bench;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.ItemOptions;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a whole check in this JVM through the same path the CLI and the Lambdas use: tenant discovery, shard planning,
 * then {@link ShardValidator#validate} for every work item, one after the other. Prints one {@code key=value} line.
 *
 * <pre>
 * java -Xmx256m -cp bench/target/benchmarks.jar io.cachecheck.bench.RunValidator --contract bench/target/run/contract.yaml
 * </pre>
 * Options: contract (bench/target/run/contract.yaml), label (free text echoed), and overrides of the contract's check
 * settings: graceMillis, parallelism, batchSize, scanCount, maxBufferedKeys, combineMinTenants; prime (0): iterations of
 * the engine's pure code on synthetic values before the first run (what a SnapStart priming hook could do); and repeat (1): how
 * many times the whole check runs in this JVM. Run 2 and later show a warm JVM, as a warm Lambda container or a
 * long-lived process sees it: the JIT has compiled the hot paths already. One line per run; the last is the summary.
 */
public final class RunValidator {
    public static void main(String[] argv) throws IOException {
        Args args = new Args(argv);
        Contract contract = ContractLoader.create().load(Path.of(args.text("contract", "bench/target/run/contract.yaml")));
        CheckSettings d = contract.check();
        CheckSettings c = new CheckSettings((int) args.number("scanCount", d.scanCount()), (int) args.number("batchSize", d.batchSize()),
                (int) args.number("maxBufferedKeys", d.maxBufferedKeys()), (int) args.number("parallelism", d.parallelism()),
                args.number("graceMillis", d.graceMillis()), d.maxRetries(), d.retryBackoffMillis(), d.maxValueBytes(),
                d.unmappedSampleSize(), d.maxFindings(), d.deadlineSeconds(),
                (int) args.number("combineMinTenants", d.combineMinTenants()));
        contract = new Contract(contract.version(), contract.cache(), contract.source(), contract.tenants(), c, contract.namespaces());
        long prime = args.number("prime", 0);
        if (prime > 0) {
            // What a SnapStart priming hook could do before the snapshot: run the engine's pure code paths (routing,
            // decoding, canonicalising, digests) on synthetic values, with no network, so the JIT compiles them once.
            long t0 = System.nanoTime();
            long cpu0 = processCpuMillis();
            io.cachecheck.bench.jmh.EngineBenchmarks engine = new io.cachecheck.bench.jmh.EngineBenchmarks();
            long sink = 0;
            for (long i = 0; i < prime; i++) {
                sink += engine.routeKey().length + engine.canonicaliseJson().differingFields().size()
                        + engine.canonicaliseHash().differingFields().size() + engine.sha256Of200Bytes().length;
            }
            System.out.printf("primed iterations=%d seconds=%.2f cpuMillis=%d jitCpuMillis=%d sink=%d%n", prime,
                    (System.nanoTime() - t0) / 1e9, processCpuMillis() - cpu0, jitCpuMillis(), sink);
        }
        int repeat = (int) args.number("repeat", 1);
        // samples (1): comma-separated sample fractions, each run in turn in every repeat, so that a full run and a
        // sampled one alternate in the same JVM and their ratio is a same-run figure on a loaded machine
        String[] samples = args.text("samples", "1").split(",");
        for (int run = 1; run <= repeat; run++) {
            for (String sample : samples) {
                double fraction = Double.parseDouble(sample);
                runOnce(contract, c, args.text("label", "-"), run, fraction < 1 ? new ItemOptions(fraction, null, null) : ItemOptions.NONE);
            }
        }
    }

    private static void runOnce(Contract contract, CheckSettings c, String label, int run, ItemOptions options) throws IOException {
        long cpu0 = processCpuMillis();
        long jit0 = jitCpuMillis();
        SecretResolver secrets = SecretResolver.create();
        long t0 = System.nanoTime();
        RedisNodes nodes = RedisNodes.discover(contract.cache(), secrets);
        ShardPlanner.Tenants tenants;
        try (JdbcSource source = new JdbcSource(contract.source(), secrets, 3, 200)) {
            tenants = ShardPlanner.discover(contract, source);
        }
        List<ShardWorkItem> items = ShardPlanner.plan(tenants, null, nodes.coverage());
        long t1 = System.nanoTime();
        ShardValidator validator = new ShardValidator(contract, nodes, secrets);
        long scanned = 0;
        long checked = 0;
        long scanMillis = 0;
        long waitMillis = 0;
        long findings = 0;
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        String verdicts = "";
        for (ShardWorkItem item : items) {
            ShardResult r = validator.validate(item.withOptions(options), tenants.ids(), null, null);
            scanned += r.keysScanned();
            checked += r.keysChecked();
            scanMillis += r.timings().scanMillis();
            waitMillis += r.timings().recheckWaitMillis();
            findings += r.findings().size();
            r.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
            verdicts += (verdicts.isEmpty() ? "" : ",") + r.verdict();
        }
        long t2 = System.nanoTime();
        double wall = (t2 - t0) / 1e9;
        double validate = (t2 - t1) / 1e9;
        System.out.printf("validator label=%s sample=%s run=%d tenants=%d items=%d keysScanned=%d keysChecked=%d wallSeconds=%.2f validateSeconds=%.2f"
                        + " keysPerSecond=%.0f parallelism=%d batchSize=%d scanCount=%d scanMillis=%d recheckWaitMillis=%d graceMillis=%d verdicts=%s consistent=%d stale=%d orphan=%d"
                        + " corrupt=%d inFlight=%d unmapped=%d findings=%d heapMax=%dm peakRssKb=%d jitCpuMillis=%d cpuMillis=%d%n",
                label, options.sample() == null ? "1" : options.sample().toString(), run, tenants.ids().size(), items.size(), scanned, checked, wall, validate, checked / wall,
                c.parallelism(), c.batchSize(), c.scanCount(), scanMillis, waitMillis, contract.check().graceMillis(), verdicts,
                counts.getOrDefault(DriftClass.CONSISTENT, 0L), counts.getOrDefault(DriftClass.STALE, 0L),
                counts.getOrDefault(DriftClass.ORPHAN, 0L), counts.getOrDefault(DriftClass.CORRUPT, 0L),
                counts.getOrDefault(DriftClass.IN_FLIGHT, 0L), counts.getOrDefault(DriftClass.UNMAPPED, 0L), findings,
                Runtime.getRuntime().maxMemory() >> 20, peakRssKb(),
                jitCpuMillis() - jit0, processCpuMillis() - cpu0);
    }

    /** CPU time of this whole JVM (all threads, user + system) so far. */
    static long processCpuMillis() {
        return java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime() / 1_000_000;
    }

    /**
     * CPU time of the JIT compiler threads (C1, C2), from /proc: a fixed cost per JVM that is a large share of a
     * 10-second run. (The CompilationMXBean reports elapsed compile time, which on a busy machine counts waiting.)
     */
    static long jitCpuMillis() {
        long ticks = 0;
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return -1;
        }
        for (java.io.File task : tasks) {
            try {
                String comm = java.nio.file.Files.readString(task.toPath().resolve("comm")).trim();
                if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) {
                    continue;
                }
                String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            } catch (IOException | RuntimeException e) {
                // a thread that ended meanwhile
            }
        }
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    /** VmHWM: the peak resident set size of this process, in kB (0 where /proc is not available). */
    static long peakRssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private RunValidator() {
    }
}
