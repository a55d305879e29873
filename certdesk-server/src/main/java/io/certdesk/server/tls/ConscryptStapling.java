package io.certdesk.server.tls;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a Conscrypt (BoringSSL) server engine the OCSP response to staple. Conscrypt 2.9 sends a
 * server's staple from its SSL parameters ({@code SSL_set_ocsp_response} when the handshake
 * begins) but has no public setter for them, so the package-private one is called here, before
 * the engine reads the client hello. Where that does not work (another Conscrypt), nothing is
 * stapled and it is said once in the log.
 */
final class ConscryptStapling {
    private static final Logger log = LoggerFactory.getLogger(ConscryptStapling.class);
    private static final MethodHandle DELEGATE;
    private static final MethodHandle PARAMETERS;
    private static final MethodHandle SET_RESPONSE;
    private static final String FAILURE;

    static {
        MethodHandle delegate = null;
        MethodHandle parameters = null;
        MethodHandle setResponse = null;
        String failure = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> wrapper = Class.forName("org.conscrypt.Java8EngineWrapper");
            Method getDelegate = wrapper.getDeclaredMethod("getDelegate", SSLEngine.class);
            getDelegate.setAccessible(true);
            delegate = lookup.unreflect(getDelegate);
            Class<?> engine = Class.forName("org.conscrypt.ConscryptEngine");
            Field field = engine.getDeclaredField("sslParameters");
            field.setAccessible(true);
            parameters = lookup.unreflectGetter(field);
            Method set =
                    Class.forName("org.conscrypt.SSLParametersImpl").getDeclaredMethod("setOCSPResponse", byte[].class);
            set.setAccessible(true);
            setResponse = lookup.unreflect(set);
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = e.toString();
        }
        DELEGATE = delegate;
        PARAMETERS = parameters;
        SET_RESPONSE = setResponse;
        FAILURE = failure;
        if (failure != null) {
            log.warn("TLS edge: OCSP responses cannot be stapled on this Conscrypt ({})", failure);
        }
    }

    private ConscryptStapling() {}

    /** Whether this Conscrypt can be given a staple. */
    static boolean available() {
        return FAILURE == null;
    }

    /** Sets the response {@code engine} staples; false when it cannot (not a Conscrypt engine, or not this Conscrypt). */
    static boolean set(SSLEngine engine, byte[] response) {
        if (FAILURE != null || !engine.getClass().getName().startsWith("org.conscrypt.")) {
            return false;
        }
        try {
            Object conscrypt = engine.getClass().getName().equals("org.conscrypt.Java8EngineWrapper")
                    ? DELEGATE.invoke(engine)
                    : engine;
            SET_RESPONSE.invoke(PARAMETERS.invoke(conscrypt), response);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }
}
