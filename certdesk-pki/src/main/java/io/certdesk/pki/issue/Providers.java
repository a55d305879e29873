package io.certdesk.pki.issue;

import java.security.Provider;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** One Bouncy Castle provider instance, used explicitly; it is never installed globally. */
final class Providers {
    static final Provider BC = new BouncyCastleProvider();

    private Providers() {
    }
}
