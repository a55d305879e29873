package io.certdesk.server.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSProvider;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Set;

/**
 * ECDSA signatures in their one low-S form: (r, s) and (r, n − s) verify alike, so without a rule
 * one token could be re-encoded as a second, different string (which defeats anything that keys on
 * a token's bytes, a replay cache or a revocation list). Tokens are signed with s ≤ n/2 and a
 * signature with s > n/2 is refused, as Bitcoin's BIP 62 and many JWT libraries do.
 */
final class LowS {
    private LowS() {}

    /** A signer whose ECDSA signatures are normalised to low S. */
    static JWSSigner signer(JWSSigner ecdsa, BigInteger order) {
        final class Signer extends Delegate implements JWSSigner {
            Signer() {
                super(ecdsa);
            }

            @Override
            public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
                return Base64URL.encode(
                        normalised(ecdsa.sign(header, signingInput).decode(), order));
            }
        }
        return new Signer();
    }

    /** A verifier that refuses high-S ECDSA signatures before checking the rest. */
    static JWSVerifier verifier(JWSVerifier ecdsa, BigInteger order) {
        final class Verifier extends Delegate implements JWSVerifier {
            Verifier() {
                super(ecdsa);
            }

            @Override
            public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
                return isLow(signature.decode(), order) && ecdsa.verify(header, signingInput, signature);
            }
        }
        return new Verifier();
    }

    /** The algorithms and JCA context are the wrapped signer's or verifier's. */
    private abstract static class Delegate implements JWSProvider {
        private final JWSProvider wrapped;

        Delegate(JWSProvider wrapped) {
            this.wrapped = wrapped;
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return wrapped.supportedJWSAlgorithms();
        }

        @Override
        public JCAContext getJCAContext() {
            return wrapped.getJCAContext();
        }
    }

    /** R || S (RFC 7518 §3.4) with S replaced by n − S where it is over n/2. */
    static byte[] normalised(byte[] rs, BigInteger order) {
        int half = rs.length / 2;
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, half, rs.length));
        if (s.compareTo(order.shiftRight(1)) <= 0) {
            return rs;
        }
        byte[] low = order.subtract(s).toByteArray();
        byte[] out = rs.clone();
        Arrays.fill(out, half, out.length, (byte) 0);
        int copy = Math.min(low.length, half);
        System.arraycopy(low, low.length - copy, out, out.length - copy, copy);
        return out;
    }

    static boolean isLow(byte[] rs, BigInteger order) {
        if (rs.length % 2 != 0) {
            return false;
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, rs.length / 2, rs.length));
        return s.signum() > 0 && s.compareTo(order.shiftRight(1)) <= 0;
    }
}
