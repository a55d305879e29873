package io.certdesk.server.http;

import java.time.Duration;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;

/**
 * Ends a request body that comes too slowly, so a client that trickles bytes holds a worker for
 * seconds, not for as long as it likes: a body may take {@link #GRACE} plus one second for each
 * {@link #MIN_BYTES_PER_SECOND} bytes that have come, from the start of its request. A body still
 * incomplete after that is answered 408 ({@code request_timeout}) and its connection closed.
 *
 * <p>Jetty's own minimum data rate counts from the first byte of the body with no grace, so a
 * small body whose second segment came late (one lost and sent again) was refused: 40 bytes in
 * 600 ms is 70 bytes a second. The grace is what such a client needs (as Apache's
 * {@code mod_reqtimeout} gives one: {@code body=20,MinRate=500}); the rate still ends a trickle.
 * The body is checked each time it is read: on a read that finds nothing yet, and on each piece
 * that is not its last.
 */
final class BodyPace extends Handler.Wrapper {
    /** The slowest a body may come on average, beyond the grace. */
    static final long MIN_BYTES_PER_SECOND = 1024;
    /** The time any body has before its pace counts. */
    static final Duration GRACE = Duration.ofSeconds(5);

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(new Paced(request), response, callback);
    }

    /** The refusal's detail, as the problem document says it. */
    static String rule() {
        return "A request body has " + GRACE.toSeconds() + " s, and one more for each " + MIN_BYTES_PER_SECOND
                + " bytes it has sent; send it at once.";
    }

    private static final class Paced extends Request.Wrapper {
        private long bytes;
        private Content.Chunk failed;

        Paced(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            if (failed != null) {
                return failed;
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                if (chunk.isLast() || Content.Chunk.isFailure(chunk)) {
                    return chunk; // the body is whole (or the connection's own failure says why not)
                }
                bytes += chunk.remaining();
            }
            long allowed = GRACE.toNanos() + bytes * 1_000_000_000L / MIN_BYTES_PER_SECOND;
            if (NanoTime.since(getBeginNanoTime()) <= allowed) {
                return chunk;
            }
            if (chunk != null) {
                chunk.release();
            }
            failed = Content.Chunk.from(
                    new BadMessageException(
                            HttpStatus.REQUEST_TIMEOUT_408,
                            "Request body slower than " + MIN_BYTES_PER_SECOND + " B/s after a grace of "
                                    + GRACE.toSeconds() + " s: " + bytes + " bytes in "
                                    + NanoTime.millisSince(getBeginNanoTime()) + " ms"),
                    true);
            return failed;
        }
    }
}
