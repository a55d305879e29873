package io.certdesk.pki;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** One Bouncy Castle provider instance, used explicitly; it is never installed globally. */
public final class Providers {
    public static final Provider BC = new BouncyCastleProvider();

    private Providers() {}
}
