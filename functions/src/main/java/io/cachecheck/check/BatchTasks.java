package io.cachecheck.check;

import io.cachecheck.error.CacheCheckException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The worker threads that check batches while the scan goes on, and the first error that must stop the run (a
 * contract error, or an unexpected failure). Submitting and waiting happen on the scanning thread.
 */
final class BatchTasks implements AutoCloseable {
    private final ThreadPoolExecutor executor;
    private final List<Future<?>> inFlight = new ArrayList<>();
    private volatile CacheCheckException fatal;

    BatchTasks(int threads) {
        // A bounded queue with caller-runs: when workers fall behind, the scanner does a batch itself, which
        // keeps memory flat instead of queueing the keyspace.
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * 2), r -> {
                    Thread t = new Thread(r, "cachecheck-worker");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** Runs a batch on a worker (or on the caller when the queue is full); nothing more starts after a fatal error. */
    void submit(Runnable task) {
        if (fatal != null) {
            return;
        }
        inFlight.add(executor.submit(task));
        if (inFlight.size() > 1024) {
            inFlight.removeIf(Future::isDone);
        }
    }

    /** Waits for every submitted batch; a batch that failed unexpectedly becomes the fatal error. */
    void await() {
        for (Future<?> f : inFlight) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CacheCheckException("interrupted while waiting for batches", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof CacheCheckException c && fatal == null) {
                    fatal = c;
                } else if (fatal == null) {
                    fatal = new CacheCheckException("a batch failed unexpectedly: " + e.getCause().getClass().getName(), e.getCause());
                }
            }
        }
        inFlight.clear();
    }

    /** Stops the run: a contract error that no retry can help. */
    void fail(CacheCheckException e) {
        fatal = e;
    }

    boolean failed() {
        return fatal != null;
    }

    /** Throws the fatal error, if there was one. */
    void rethrow() {
        if (fatal != null) {
            throw fatal;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
