package io.cachecheck.cache;

import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SCAN pass over one node that never continues a cursor on another server.
 *
 * <p>A SCAN cursor is an offset into one server process's hash table. After a reconnection the answering server
 * may be another one: the same process restarted from its snapshot, or a replica promoted behind the same address
 * (an ElastiCache failover). Its table is laid out differently, so the old cursor would skip some keys and return
 * others twice. The server's {@code run_id} is asked on every new connection; when it is not the one the pass began
 * on, the pass starts again from cursor 0 on the new server ({@link Page#restarted()}). The caller counts each key
 * once however often it is returned.
 */
public final class NodeScan {
    private static final byte[] START = "0".getBytes(StandardCharsets.US_ASCII);

    /**
     * One step of the pass.
     *
     * @param keys      the page's keys; empty when the pass restarted
     * @param restarted true when the server changed: the pass begins again from cursor 0 on {@code server}
     * @param server    the run_id of the server the pass is on now
     * @param previous  when restarted, the run_id of the server the pass was on before; else null
     */
    public record Page(List<byte[]> keys, boolean restarted, String server, String previous) {
    }

    private final NodeConnection connection;
    private final int count;
    private String server;
    private byte[] cursor = START;
    private boolean done;
    private int restarts;

    /** @param count the SCAN COUNT hint */
    public NodeScan(NodeConnection connection, int count) {
        this.connection = connection;
        this.count = count;
    }

    /**
     * A pass that an earlier invocation began: it goes on from {@code cursor} if {@code server} still answers the
     * node, and otherwise starts again from cursor 0 on the new server ({@link Page#restarted()}), as within a pass.
     *
     * @param server the run_id of the server the pass was on
     * @param cursor the cursor that server returned last (decimal text, as SCAN returns it)
     */
    public static NodeScan resume(NodeConnection connection, int count, String server, String cursor) {
        NodeScan scan = new NodeScan(connection, count);
        scan.server = server;
        scan.cursor = cursor.getBytes(StandardCharsets.US_ASCII);
        return scan;
    }

    /** The next page, with reconnection and retries as {@link NodeConnection#withRetry} does them. */
    public Page next() {
        if (done) {
            throw new IllegalStateException("the scan of " + connection.node() + " is complete");
        }
        if (server == null) {
            server = connection.serverRunId();
        }
        ScanResult<byte[]> page = connection.scanOn(server, cursor, count);
        if (page == null) {
            String previous = server;
            server = connection.serverRunId();
            cursor = START;
            restarts++;
            return new Page(List.of(), true, server, previous);
        }
        cursor = page.getCursorAsBytes();
        done = cursor.length == 1 && cursor[0] == '0';
        return new Page(page.getResult(), false, server, null);
    }

    /** Whether the server returned cursor 0: every key present for the whole pass has been returned. */
    public boolean done() {
        return done;
    }

    /** The cursor to continue from (decimal text); "0" before the first page. */
    public String cursor() {
        return new String(cursor, StandardCharsets.US_ASCII);
    }

    /** The run_id of the server the pass is on; null before the first page. */
    public String server() {
        return server;
    }

    /** How often the pass started again on another server. */
    public int restarts() {
        return restarts;
    }
}
