package io.certdesk.server.outbound;

import com.unboundid.ldap.sdk.BindResult;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.NameResolver;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * A simple bind (RFC 4513 §5.1.3) over a TLS session the check already opened and judged, with
 * the UnboundID LDAP SDK. The password is used for this one request and never kept or logged.
 */
final class LdapBind {
    private LdapBind() {}

    /** @param message a sentence: the server's answer */
    record Result(boolean ok, String message) {}

    static Result bind(
            TlsProbe.Session session, String host, int port, String bindDn, char[] password, Deadline deadline) {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(deadline.remainingMillis());
        options.setResponseTimeoutMillis(deadline.remainingMillis());
        options.setUseSynchronousMode(true);
        options.setNameResolver(
                new Pinned(session.socket().getInetAddress())); // the address already checked: no second lookup
        try (LDAPConnection connection = new LDAPConnection(new Established(session.socket()), options, host, port)) {
            BindResult result = connection.bind(new SimpleBindRequest(bindDn, new String(password)));
            return new Result(
                    true, "Bound as " + bindDn + " (" + result.getResultCode().getName() + ").");
        } catch (LDAPException e) {
            if (deadline.passed()) {
                return new Result(
                        false,
                        "The bind as " + bindDn + " got no answer within "
                                + deadline.limit().toSeconds() + " s, the limit of a whole check.");
            }
            ResultCode code = e.getResultCode();
            String detail =
                    e.getDiagnosticMessage() == null || e.getDiagnosticMessage().isBlank()
                            ? ""
                            : ": " + e.getDiagnosticMessage();
            return new Result(
                    false,
                    code == ResultCode.INVALID_CREDENTIALS
                            ? "The server refused the credentials for " + bindDn + " (invalid credentials" + detail
                                    + ")."
                            : "The bind as " + bindDn + " failed: " + code.getName() + detail + ".");
        }
    }

    /** Resolves every name to the address the check connected to. */
    private static final class Pinned extends NameResolver {
        private final InetAddress address;

        Pinned(InetAddress address) {
            this.address = address;
        }

        @Override
        public InetAddress getByName(String host) {
            return address;
        }

        @Override
        public InetAddress[] getAllByName(String host) {
            return new InetAddress[] {address};
        }

        @Override
        public void toString(StringBuilder buffer) {
            buffer.append("Pinned(").append(address.getHostAddress()).append(')');
        }
    }

    /** Gives UnboundID the socket already connected and in TLS; it asks for an unconnected one first, then for one by address. */
    private static final class Established extends SocketFactory {
        private final Socket socket;

        Established(Socket socket) {
            this.socket = socket;
        }

        @Override
        public Socket createSocket() throws IOException {
            throw new SocketException("only the established session");
        }

        @Override
        public Socket createSocket(String host, int port) {
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            return socket;
        }
    }
}
