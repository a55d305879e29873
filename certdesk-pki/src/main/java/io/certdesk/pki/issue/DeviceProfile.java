package io.certdesk.pki.issue;

import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** What a certificate the platform CA signs for a key held elsewhere (a device's, an ACME client's) may be used for. */
public enum DeviceProfile {
    /** A TLS server (id-kp-serverAuth): a printer's web page and IPPS, a terminal's API. */
    TLS_SERVER(List.of(KeyPurposeId.id_kp_serverAuth)),
    /** A TLS client (id-kp-clientAuth): a device signing in to a network (802.1X) or an API. */
    TLS_CLIENT(List.of(KeyPurposeId.id_kp_clientAuth)),
    /** Both, for a device that serves and connects with one certificate. */
    TLS_SERVER_AND_CLIENT(List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth));

    private final List<KeyPurposeId> purposes;

    DeviceProfile(List<KeyPurposeId> purposes) {
        this.purposes = purposes;
    }

    List<KeyPurposeId> purposes() {
        return purposes;
    }

    public boolean serves() {
        return purposes.contains(KeyPurposeId.id_kp_serverAuth);
    }
}
