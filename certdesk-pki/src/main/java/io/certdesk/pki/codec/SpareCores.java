package io.certdesk.pki.codec;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Work handed to an idle core if there is one, else done by the thread that joins it. A task is
 * never queued behind other work: when no spare thread is idle it stays with the caller, so a
 * busy server does exactly the work it would do alone and a quiet one finishes sooner.
 */
final class SpareCores {
    private static final int SPARE = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    private static final ThreadPoolExecutor THREADS = new ThreadPoolExecutor(
            0,
            Math.max(1, SPARE),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            runnable -> {
                Thread thread = new Thread(runnable, "certdesk-spare-core");
                thread.setDaemon(true);
                return thread;
            },
            new ThreadPoolExecutor.DiscardPolicy());

    private SpareCores() {}

    /** Offers {@code work} to an idle spare core. */
    static <T> Task<T> fork(Callable<T> work) {
        Task<T> task = new Task<>(work);
        if (SPARE > 0) {
            THREADS.execute(task.future); // discarded when no spare thread is free: join() runs it
        }
        return task;
    }

    /** Work this thread does when it joins it. */
    static <T> Task<T> inThisThread(Callable<T> work) {
        return new Task<>(work);
    }

    static final class Task<T> {
        private final FutureTask<T> future;

        private Task(Callable<T> work) {
            this.future = new FutureTask<>(work);
        }

        /** The result, computing it here unless a spare core has (or is); its RuntimeException is thrown as it was. */
        T join() {
            future.run(); // no-op once started elsewhere
            try {
                return future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PkiException(PkiError.INVALID_FILE, "Reading the PKCS#12 file was interrupted.", e);
            }
        }
    }
}
