package io.cachecheck.local.init;

import java.nio.charset.StandardCharsets;
import io.cachecheck.cache.CachedValue;
import io.cachecheck.cache.NodeConnection;
import io.cachecheck.cache.NodeScan;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.ValueType;
import io.cachecheck.decode.Utf8;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the cache with SCAN, at most {@code maxKeys} keys and {@code keysPerSecond} keys a second (SCAN pages are
 * spaced out to keep the rate), and reads the values of chosen keys with the product's {@link NodeConnection} (the
 * same reads as the check, with its reconnects and retries). Only reads: SCAN, TYPE, MGET/GET, HGETALL.
 */
public final class KeySampler implements AutoCloseable {
    /**
     * The sample.
     *
     * @param keys        sampled keys (UTF-8), each with the index of the node it was scanned on
     * @param notUtf8     keys skipped because they are not valid UTF-8 text
     * @param complete    true when SCAN returned every key of every node before the cap
     */
    public record Sample(Map<String, Integer> keys, long notUtf8, boolean complete, long millis) {
    }

    private final List<NodeConnection> connections = new ArrayList<>();

    public KeySampler(RedisNodes nodes) {
        for (var node : nodes.nodes()) {
            connections.add(new NodeConnection(nodes, node, 3, 200));
        }
    }

    /** Scans the nodes in turn until {@code maxKeys} keys are sampled. */
    public Sample sample(int maxKeys, int keysPerSecond, int scanCount) throws InterruptedException {
        long start = System.nanoTime();
        Map<String, Integer> keys = new LinkedHashMap<>();
        long notUtf8 = 0;
        long seen = 0;
        boolean complete = true;
        for (int n = 0; n < connections.size() && keys.size() < maxKeys; n++) {
            NodeScan scan = new NodeScan(connections.get(n), Math.min(scanCount, maxKeys));
            while (!scan.done() && keys.size() < maxKeys) {
                NodeScan.Page page = scan.next();
                for (byte[] key : page.keys()) {
                    seen++;
                    String text = Utf8.text(key);
                    if (text == null) {
                        notUtf8++;
                    } else if (keys.size() < maxKeys) {
                        keys.putIfAbsent(text, n);
                    }
                }
                // the rate cap: wait until the keys seen so far fit in keysPerSecond
                long dueNanos = seen * 1_000_000_000L / Math.max(1, keysPerSecond);
                long sleep = (dueNanos - (System.nanoTime() - start)) / 1_000_000;
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
            complete &= scan.done();
        }
        return new Sample(keys, notUtf8, complete, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The values of {@code keys} (all of one node), read as their Redis type says; keys of another type than string
     * or hash are counted in {@code otherTypes} by type, and keys that vanished are left out.
     */
    public List<CachedValue> read(int node, List<String> keys, Map<String, Integer> otherTypes) {
        NodeConnection c = connections.get(node);
        List<byte[]> raw = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        List<String> types = c.withJedis("TYPE", jedis -> {
            Pipeline p = jedis.pipelined();
            List<Response<String>> responses = new ArrayList<>();
            for (byte[] k : raw) {
                responses.add(p.type(k));
            }
            p.sync();
            return responses.stream().map(Response::get).toList();
        });
        List<byte[]> strings = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            switch (types.get(i)) {
                case "string" -> strings.add(raw.get(i));
                case "hash" -> hashes.add(raw.get(i));
                case "none" -> { }
                default -> otherTypes.merge(types.get(i), 1, Integer::sum);
            }
        }
        List<CachedValue> out = new ArrayList<>();
        if (!strings.isEmpty()) {
            out.addAll(c.read(strings, ValueType.STRING));
        }
        if (!hashes.isEmpty()) {
            out.addAll(c.read(hashes, ValueType.HASH));
        }
        out.removeIf(v -> v instanceof CachedValue.Missing || v instanceof CachedValue.WrongType);
        return out;
    }

    /** The values of keys read as {@code type}, in key order, for the check of the draft. */
    public List<CachedValue> readAs(int node, List<byte[]> keys, ValueType type) {
        return connections.get(node).read(keys, type);
    }

    /** Keys grouped by the node they were scanned on. */
    static Map<Integer, List<String>> byNode(List<String> keys, Map<String, Integer> nodeOf) {
        Map<Integer, List<String>> out = new HashMap<>();
        for (String k : keys) {
            out.computeIfAbsent(nodeOf.get(k), n -> new ArrayList<>()).add(k);
        }
        return out;
    }

    @Override
    public void close() {
        connections.forEach(NodeConnection::close);
    }
}
