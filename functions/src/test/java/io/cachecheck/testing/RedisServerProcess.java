package io.cachecheck.testing;

import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away standalone redis-server on a free loopback port, with its own directory and RDB file, that a test
 * can restart from its snapshot, pause (SIGSTOP) and resume. {@link #close()} stops it and removes its files.
 */
public final class RedisServerProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> extra;
    private Process process;

    private RedisServerProcess(int port, Path dir, List<String> extra) {
        this.port = port;
        this.dir = dir;
        this.extra = extra;
    }

    /** Starts a server; {@code extra} holds more redis-server arguments, e.g. {@code --replicaof 127.0.0.1 7000}. */
    public static RedisServerProcess start(String... extra) throws IOException, InterruptedException {
        RedisServerProcess server = new RedisServerProcess(freePort(), Files.createTempDirectory("cachecheck-redis"), List.of(extra));
        try {
            server.launch();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** A new connection to the server (the caller closes it). */
    public Jedis client() {
        return new Jedis("127.0.0.1", port, 5000);
    }

    /**
     * Saves the dataset ({@code SAVE}), kills the process (SIGKILL: nothing more is written) and starts a new one on
     * the same port, directory and RDB file: the same keys, in a new process with a new hash table.
     */
    public void restartFromSnapshot() throws IOException, InterruptedException {
        try (Jedis jedis = client()) {
            jedis.save();
        }
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IOException("redis-server on port " + port + " did not die");
        }
        launch();
    }

    /** SIGSTOP: the server keeps its connections open but answers nothing until {@link #resume()}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes());
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed: " + out);
        }
    }

    private void launch() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump.rdb",
                "--logfile", "redis.log"));
        command.addAll(extra);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Jedis jedis = client()) {
                if ("PONG".equals(jedis.ping()) && jedis.info("persistence").contains("loading:0")) {
                    return;
                }
            } catch (RuntimeException e) {
                if (!process.isAlive() || System.nanoTime() > until) {
                    throw new IOException("redis-server on port " + port + " did not start: " + Files.readString(dir.resolve("stdout")), e);
                }
            }
            Thread.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            try {
                resume(); // a paused server ignores SIGTERM until it runs again
            } catch (IOException | InterruptedException | RuntimeException ignored) {
                // not paused, or already gone
            }
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
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
