package io.cachecheck.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Redis Cluster of N primaries on loopback ports, started from the local redis-server binary.
 * Stopped (and its files removed) by {@link #close()}.
 */
public final class RedisClusterProcess implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Path dir;

    private RedisClusterProcess(Path dir) {
        this.dir = dir;
    }

    public static RedisClusterProcess start(int primaries) throws IOException, InterruptedException {
        return start(primaries, 0);
    }

    /** A cluster of {@code primaries} primaries, each with {@code replicasPerPrimary} replicas. */
    public static RedisClusterProcess start(int primaries, int replicasPerPrimary) throws IOException, InterruptedException {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < primaries * (1 + replicasPerPrimary)) {
            int port = freePortWithBus();
            if (!ports.contains(port) && !ports.contains(port + 10000) && !ports.contains(port - 10000)) {
                ports.add(port); // none is bound yet, so the same port could come up twice
            }
        }
        return start(ports, replicasPerPrimary, List.of());
    }

    /**
     * A cluster on exactly these ports (and their bus ports, +10000): the first {@code ports.size() / (1 +
     * replicasPerPrimary)} become primaries. {@code config} holds extra redis-server arguments for every node, e.g.
     * {@code --cluster-node-timeout 2000}.
     */
    public static RedisClusterProcess start(List<Integer> ports, int replicasPerPrimary, List<String> config)
            throws IOException, InterruptedException {
        RedisClusterProcess cluster = new RedisClusterProcess(Files.createTempDirectory("cachecheck-cluster"));
        try {
            for (int port : ports) {
                if (!free(port) || !free(port + 10000)) {
                    throw new IOException("port " + port + " or its cluster bus port " + (port + 10000) + " is in use");
                }
                cluster.ports.add(port);
                List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf", "--save", "",
                        "--appendonly", "no", "--dir", cluster.dir.toString(), "--logfile", "redis-" + port + ".log"));
                command.addAll(config);
                cluster.processes.add(new ProcessBuilder(command)
                        .redirectErrorStream(true).redirectOutput(cluster.dir.resolve("stdout-" + port).toFile()).start());
            }
            for (int port : cluster.ports) {
                waitFor(List.of("redis-cli", "-p", Integer.toString(port), "ping"), "PONG");
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            cluster.ports.forEach(p -> create.add("127.0.0.1:" + p));
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerPrimary), "--cluster-yes"));
            run(create);
            for (int port : cluster.ports) {
                waitFor(List.of("redis-cli", "-p", Integer.toString(port), "cluster", "info"), "cluster_state:ok");
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Stops one node the way an operator would ({@code SHUTDOWN NOSAVE}), leaving the others running. */
    public void shutdown(int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "shutdown", "nosave")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes(); // the connection closes without a reply: the exit status says nothing
        p.waitFor(10, TimeUnit.SECONDS);
        Process server = processes.get(ports.indexOf(port));
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            throw new IOException("redis-server on port " + port + " did not stop after SHUTDOWN NOSAVE");
        }
    }

    public List<Integer> ports() {
        return ports;
    }

    public String url() {
        return "redis://127.0.0.1:" + ports.get(0);
    }

    private static int freePortWithBus() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 30000);
            if (free(port) && free(port + 10000)) {
                return port;
            }
        }
        throw new IOException("no free port pair found for a Redis Cluster node");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static void waitFor(List<String> command, String expected) throws IOException, InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "";
        while (System.nanoTime() < until) {
            try {
                last = run(command);
                if (last.contains(expected)) {
                    return;
                }
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(100);
        }
        throw new IOException(String.join(" ", command) + " never answered " + expected + ": " + last);
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
