package io.certdesk.pki.scep;

/**
 * A SCEP request read far enough to be answered (its transaction and its sender are known) but
 * refused: the answer is a signed CertRep with status FAILURE and {@link #failure()}.
 */
public final class ScepRefusal extends Exception {
    private final transient ScepPeer peer;
    private final ScepFailure failure;

    public ScepRefusal(ScepPeer peer, ScepFailure failure, String message) {
        super(message, null, false, false);
        this.peer = peer;
        this.failure = failure;
    }

    public ScepPeer peer() {
        return peer;
    }

    public ScepFailure failure() {
        return failure;
    }
}
