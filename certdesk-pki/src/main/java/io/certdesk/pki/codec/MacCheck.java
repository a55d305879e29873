package io.certdesk.pki.codec;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;

/**
 * A PKCS#12 MAC verification started on a spare core, if one is idle, while the caller decrypts
 * the contents. {@link #await} runs it in the caller's thread when no core took it, so a busy
 * machine never waits for a queued task: the work is the same, only the wall time shrinks.
 */
final class MacCheck {
    private static final ThreadPoolExecutor SPARE_CORES = new ThreadPoolExecutor(0,
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "certdesk-pkcs12-mac");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());

    private final FutureTask<Boolean> task;

    private MacCheck(FutureTask<Boolean> task) {
        this.task = task;
    }

    static MacCheck start(BooleanSupplier check) {
        FutureTask<Boolean> task = new FutureTask<>(check::getAsBoolean);
        if (Runtime.getRuntime().availableProcessors() > 1) {
            SPARE_CORES.execute(task); // discarded when every spare thread is busy: await() runs it
        }
        return new MacCheck(task);
    }

    /** True when the file had a MAC and it matched; throws the MAC's refusal (wrong password…). */
    boolean await() {
        task.run(); // no-op when a spare core has run it or is running it
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PkiException(PkiError.INVALID_FILE, "The PKCS#12 check was interrupted.", e);
        }
    }
}
