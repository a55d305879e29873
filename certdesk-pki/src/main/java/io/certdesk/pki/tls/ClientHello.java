package io.certdesk.pki.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a TLS server needs from a client's first flight to choose its certificate, read from the
 * raw bytes before any TLS engine sees them (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2, RFC 6066 §3):
 * the host name asked for, the signature schemes and cipher suites offered, whether TLS 1.3
 * is among the versions, and whether it asks for a stapled OCSP response (status_request).
 *
 * <p>Reading never throws and never allocates more than the bytes given: a record that is not a
 * handshake, a malformed message, or one not yet complete reads as {@link Read#notAHello()} or
 * {@link Read#needMore()}. The hello may span several records.
 */
public record ClientHello(
        Optional<String> serverName,
        List<Integer> signatureSchemes,
        List<Integer> cipherSuites,
        boolean offersTls13,
        boolean statusRequest) {
    /** The largest hello accepted: a handshake message of up to 64 KiB, in records of up to 16 KiB + 256. */
    public static final int MAX_BYTES = 5 * (5 + 16_384 + 256);

    private static final int HANDSHAKE_RECORD = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_STATUS_REQUEST = 5;
    private static final int EXT_SIGNATURE_ALGORITHMS = 13;
    private static final int EXT_SUPPORTED_VERSIONS = 43;
    private static final int TLS13 = 0x0304;

    public ClientHello {
        signatureSchemes = List.copyOf(signatureSchemes);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /** A hello without status_request. */
    public ClientHello(
            Optional<String> serverName,
            List<Integer> signatureSchemes,
            List<Integer> cipherSuites,
            boolean offersTls13) {
        this(serverName, signatureSchemes, cipherSuites, offersTls13, false);
    }

    /** The kinds of certificate key a server can prove itself with. */
    public enum KeyKind {
        ECDSA,
        RSA
    }

    private static final Set<Integer> ECDSA_SCHEMES = Set.of(0x0403, 0x0503, 0x0603, 0x0203);
    /** RSA-PSS with an rsaEncryption key: the only RSA schemes TLS 1.3 allows. */
    private static final Set<Integer> RSA_PSS_RSAE = Set.of(0x0804, 0x0805, 0x0806);

    private static final Set<Integer> RSA_PKCS1 = Set.of(0x0401, 0x0501, 0x0601, 0x0201);
    private static final Set<Integer> ECDHE_ECDSA_SUITES = Set.of(0xC02B, 0xC02C, 0xCCA9);
    private static final Set<Integer> ECDHE_RSA_SUITES = Set.of(0xC02F, 0xC030, 0xCCA8);

    /**
     * The key kinds this client can verify from a server that negotiates TLS 1.3 when offered
     * (else TLS 1.2 with forward-secret AEAD suites), most preferred first: by the order of its
     * signature schemes, or of its cipher suites when it sends none (RFC 5246 §7.4.1.4.1).
     */
    public List<KeyKind> verifiableKeyKinds() {
        List<KeyKind> kinds = new ArrayList<>(2);
        if (signatureSchemes.isEmpty() && !offersTls13) {
            for (int suite : cipherSuites) {
                add(
                        kinds,
                        ECDHE_ECDSA_SUITES.contains(suite)
                                ? KeyKind.ECDSA
                                : ECDHE_RSA_SUITES.contains(suite) ? KeyKind.RSA : null);
            }
            return List.copyOf(kinds);
        }
        boolean suitesEcdsa = offersTls13 || cipherSuites.stream().anyMatch(ECDHE_ECDSA_SUITES::contains);
        boolean suitesRsa = offersTls13 || cipherSuites.stream().anyMatch(ECDHE_RSA_SUITES::contains);
        for (int scheme : signatureSchemes) {
            if (ECDSA_SCHEMES.contains(scheme) && suitesEcdsa) {
                add(kinds, KeyKind.ECDSA);
            } else if ((RSA_PSS_RSAE.contains(scheme) || !offersTls13 && RSA_PKCS1.contains(scheme)) && suitesRsa) {
                add(kinds, KeyKind.RSA);
            }
        }
        return List.copyOf(kinds);
    }

    private static void add(List<KeyKind> kinds, KeyKind kind) {
        if (kind != null && !kinds.contains(kind)) {
            kinds.add(kind);
        }
    }

    /** The outcome of reading the bytes received so far. */
    public record Read(Optional<ClientHello> hello, boolean complete) {
        static Read needMore() {
            return new Read(Optional.empty(), false);
        }

        static Read notAHello() {
            return new Read(Optional.empty(), true);
        }

        /** Whether more bytes could still make a hello (false once read or refused). */
        public boolean wantsMore() {
            return !complete;
        }
    }

    /** Reads the first bytes a client sent (from {@code bytes}' position; the buffer is not moved). */
    public static Read read(ByteBuffer bytes) {
        ByteBuffer in = bytes.duplicate();
        byte[] message = null;
        int have = 0;
        int need = -1;
        while (need < 0 || have < need) {
            if (in.remaining() < 5) {
                return Read.needMore();
            }
            int type = u8(in);
            int major = u8(in);
            in.get(); // record minor version: any
            int length = u16(in);
            if (type != HANDSHAKE_RECORD || major != 3 || length == 0 || length > 16_384 + 256) {
                return Read.notAHello();
            }
            if (in.remaining() < length) {
                return Read.needMore();
            }
            if (message == null) {
                if (length < 4) {
                    return Read.notAHello(); // the handshake header is not split in practice; refuse rather than guess
                }
                ByteBuffer header = in.slice(in.position(), 4);
                if (u8(header) != CLIENT_HELLO) {
                    return Read.notAHello();
                }
                need = u24(header) + 4;
                if (need > MAX_BYTES) {
                    return Read.notAHello();
                }
                message = new byte[need];
            }
            int take = Math.min(length, need - have);
            in.get(message, have, take);
            have += take;
            in.position(in.position() + (length - take));
        }
        try {
            return new Read(Optional.of(parse(ByteBuffer.wrap(message, 4, need - 4))), true);
        } catch (RuntimeException malformed) { // a length pointing past its parent: not a hello we can use
            return Read.notAHello();
        }
    }

    private static ClientHello parse(ByteBuffer body) {
        body.position(body.position() + 2 + 32); // legacy_version, random
        skip(body, u8(body)); // legacy_session_id
        ByteBuffer suites = slice(body, u16(body));
        List<Integer> cipherSuites = new ArrayList<>();
        while (suites.remaining() >= 2) {
            cipherSuites.add(u16(suites));
        }
        skip(body, u8(body)); // legacy_compression_methods
        Optional<String> serverName = Optional.empty();
        List<Integer> schemes = Collections.emptyList();
        boolean tls13 = false;
        boolean statusRequest = false;
        if (body.remaining() >= 2) {
            ByteBuffer extensions = slice(body, u16(body));
            while (extensions.remaining() >= 4) {
                int type = u16(extensions);
                ByteBuffer data = slice(extensions, u16(extensions));
                switch (type) {
                    case EXT_SERVER_NAME -> serverName = hostName(data);
                    case EXT_STATUS_REQUEST -> statusRequest = data.hasRemaining() && u8(data) == 1; // ocsp
                    case EXT_SIGNATURE_ALGORITHMS -> schemes = u16List(slice(data, u16(data)));
                    case EXT_SUPPORTED_VERSIONS ->
                        tls13 = u16List(slice(data, u8(data))).contains(TLS13);
                    default -> {
                        // not needed to choose a certificate
                    }
                }
            }
        }
        return new ClientHello(serverName, schemes, cipherSuites, tls13, statusRequest);
    }

    /** The host_name entry of a server_name extension (RFC 6066 §3), if it is plain ASCII. */
    private static Optional<String> hostName(ByteBuffer data) {
        ByteBuffer list = slice(data, u16(data));
        while (list.remaining() >= 3) {
            int nameType = u8(list);
            ByteBuffer name = slice(list, u16(list));
            if (nameType == 0) {
                byte[] ascii = new byte[name.remaining()];
                name.get(ascii);
                for (byte b : ascii) {
                    if (b <= 0x20 || b >= 0x7f) {
                        return Optional.empty();
                    }
                }
                return ascii.length == 0 ? Optional.empty() : Optional.of(new String(ascii, StandardCharsets.US_ASCII));
            }
        }
        return Optional.empty();
    }

    private static List<Integer> u16List(ByteBuffer data) {
        List<Integer> values = new ArrayList<>(data.remaining() / 2);
        while (data.remaining() >= 2) {
            values.add(u16(data));
        }
        return values;
    }

    private static ByteBuffer slice(ByteBuffer in, int length) {
        ByteBuffer part = in.slice(in.position(), length); // throws past the end: malformed
        in.position(in.position() + length);
        return part;
    }

    private static void skip(ByteBuffer in, int length) {
        in.position(in.position() + length);
    }

    private static int u8(ByteBuffer in) {
        return in.get() & 0xff;
    }

    private static int u16(ByteBuffer in) {
        return in.getShort() & 0xffff;
    }

    private static int u24(ByteBuffer in) {
        return (u8(in) << 16) | u16(in);
    }
}
