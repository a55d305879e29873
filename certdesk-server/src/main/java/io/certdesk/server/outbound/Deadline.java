package io.certdesk.server.outbound;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One time limit for everything a piece of outbound work does (a connection check with its
 * handshake, STARTTLS, bind and revocation fetches; one webhook or OCSP request): every socket
 * opened for it is closed when the time is up, so a peer that trickles a byte at a time cannot
 * stretch the work past it the way a per-read timeout lets it. Each read's and connect's own
 * timeout is what is left.
 */
final class Deadline implements AutoCloseable {
    private static final ScheduledExecutorService ALARMS = io.certdesk.server.Background.thread("outbound-deadlines");

    private final Duration limit;
    private final long end;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> alarm;
    private volatile boolean expired;

    private Deadline(Duration limit) {
        this.limit = limit;
        this.end = System.nanoTime() + limit.toNanos();
        this.alarm = ALARMS.schedule(this::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A deadline {@code limit} from now. */
    static Deadline in(Duration limit) {
        return new Deadline(limit);
    }

    /** The whole time allowed. */
    Duration limit() {
        return limit;
    }

    /** Closes {@code socket} at the deadline (at once when it has passed); returns it. */
    <S extends Socket> S watch(S socket) {
        sockets.add(socket);
        if (expired) {
            closeQuietly(socket);
        }
        return socket;
    }

    /** Milliseconds left, at least 1 (a socket timeout of 0 would mean none at all). */
    int remainingMillis() {
        return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
    }

    /** Whether the time is up (a socket failure after it is the deadline's doing). */
    boolean passed() {
        return expired || System.nanoTime() - end >= 0;
    }

    private void expire() {
        expired = true;
        sockets.forEach(Deadline::closeQuietly);
    }

    @Override
    public void close() {
        alarm.cancel(false);
        sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
    }
}
