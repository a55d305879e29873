package io.certdesk.server.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.SelectorManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} open connections from one client address on a listener: a connection over
 * the limit is closed as it is accepted, before a byte of it is read, so one client that opens
 * connections and trickles their requests cannot hold every worker of the API. Counted at accept
 * and close of the network channel (not per protocol layer), so TLS and HTTP on one socket are one.
 */
final class ClientConnectionLimit implements SelectorManager.AcceptListener {
    private static final Logger log = LoggerFactory.getLogger(ClientConnectionLimit.class);

    private final int max;
    private final Map<SelectableChannel, InetAddress> open = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    ClientConnectionLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the connection limit per client is at least 1");
        }
        this.max = max;
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        InetAddress client = client(channel);
        if (client == null) {
            return;
        }
        open.put(channel, client);
        int now = perClient.merge(client, 1, Integer::sum);
        if (now > max) {
            long n = refused.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                log.warn(
                        "{} already holds {} connections, the most one client may: another closed as it came ({} so far)",
                        client.getHostAddress(),
                        max,
                        n);
            }
            release(channel);
            try {
                channel.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        release(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        release(channel);
    }

    /** Connections closed at accept because their client was over the limit, since start. */
    long refused() {
        return refused.get();
    }

    private void release(SelectableChannel channel) {
        InetAddress client = open.remove(channel);
        if (client != null) {
            perClient.computeIfPresent(client, (k, v) -> v <= 1 ? null : v - 1);
        }
    }

    private static InetAddress client(SelectableChannel channel) {
        try {
            return channel instanceof SocketChannel s && s.getRemoteAddress() instanceof InetSocketAddress a
                    ? a.getAddress()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }
}
