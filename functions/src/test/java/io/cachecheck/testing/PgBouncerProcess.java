package io.cachecheck.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A throw-away PgBouncer in transaction pooling mode on a loopback port, in front of the local PostgreSQL. PgBouncer
 * before 1.21 moves a session's statements between server connections, so a named server-side prepared statement
 * can be missing ("does not exist") or clash ("already exists") on the next transaction: the setting cachecheck
 * must survive. Started only when the {@code pgbouncer} binary is installed ({@link #binary()}).
 */
public final class PgBouncerProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private PgBouncerProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** The pgbouncer binary, if installed (Debian: {@code apt-get install pgbouncer}). */
    public static Optional<Path> binary() {
        for (String candidate : List.of("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(Path.of(candidate));
            }
        }
        return Optional.empty();
    }

    public static PgBouncerProcess start(Path binary, int serverConnections) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cachecheck-pgbouncer");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("users.txt"), "\"postgres\" \"\"\n");
        Files.writeString(dir.resolve("pgbouncer.ini"), """
                [databases]
                test = host=127.0.0.1 port=5432 dbname=test
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = trust
                auth_file = %s
                pool_mode = transaction
                default_pool_size = %d
                max_client_conn = 100
                logfile = %s
                ignore_startup_parameters = extra_float_digits,options
                """.formatted(port, dir.resolve("users.txt"), serverConnections, dir.resolve("pgbouncer.log")));
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "postgres")); // PgBouncer refuses to run as root
            dir.toFile().setWritable(true, false);
            dir.toFile().setExecutable(true, false);
            dir.toFile().setReadable(true, false);
            for (String f : List.of("users.txt", "pgbouncer.ini")) {
                dir.resolve(f).toFile().setReadable(true, false);
            }
        }
        command.add(dir.resolve("pgbouncer.ini").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout").toFile()).start();
        PgBouncerProcess bouncer = new PgBouncerProcess(process, dir, port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return bouncer;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String out = Files.exists(dir.resolve("stdout")) ? Files.readString(dir.resolve("stdout")) : "";
                    bouncer.close();
                    throw new IOException("pgbouncer did not start: " + out);
                }
                Thread.sleep(50);
            }
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
