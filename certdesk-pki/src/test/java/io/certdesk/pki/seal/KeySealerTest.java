package io.certdesk.pki.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeySealerTest {
    private final SecureRandom random = new SecureRandom();
    private final MasterKey master = MasterKey.generate(random);
    private final KeySealer sealer = new KeySealer(master, random);
    private final byte[] secret = "a private key, PKCS#8 encoded".getBytes();

    @Test
    void aSealedSecretOpensAgainInItsOwnContext() {
        SealedKey sealed = sealer.seal(secret, "row-1");
        assertThat(sealed.masterKeyId()).isEqualTo(master.id()).hasSize(16);
        assertThat(sealer.open(sealed, "row-1")).isEqualTo(secret);
    }

    @Test
    void theCiphertextHidesTheSecretAndEverySealIsFresh() {
        SealedKey a = sealer.seal(secret, "row-1");
        SealedKey b = sealer.seal(secret, "row-1");
        assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
        assertThat(a.wrappedDataKey()).isNotEqualTo(b.wrappedDataKey());
        assertThat(HexFormat.of().formatHex(a.ciphertext()))
                .doesNotContain(HexFormat.of().formatHex(secret, 0, 8));
        assertThat(a.ciphertext()).hasSize(12 + secret.length + 16);
    }

    @Test
    void aCiphertextMovedToAnotherRowOrAlteredDoesNotOpen() {
        SealedKey sealed = sealer.seal(secret, "row-1");
        assertThatThrownBy(() -> sealer.open(sealed, "row-2"))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.INVALID_KEY_MATERIAL));
        byte[] altered = sealed.ciphertext().clone();
        altered[20] ^= 1;
        assertThatThrownBy(() ->
                        sealer.open(new SealedKey(sealed.masterKeyId(), sealed.wrappedDataKey(), altered), "row-1"))
                .isInstanceOf(PkiException.class);
    }

    @Test
    void anotherMasterKeyDoesNotOpenEvenWhenTheIdIsForged() {
        SealedKey sealed = sealer.seal(secret, "row-1");
        KeySealer other = new KeySealer(MasterKey.generate(random), random);
        assertThatThrownBy(() -> other.open(sealed, "row-1"))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.WRONG_MASTER_KEY));
        SealedKey forgedId = new SealedKey(other.masterKeyId(), sealed.wrappedDataKey(), sealed.ciphertext());
        assertThatThrownBy(() -> other.open(forgedId, "row-1"))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.WRONG_MASTER_KEY));
    }

    @Test
    void rewrappingMovesTheDataKeyToTheNewMasterAndKeepsTheCiphertext() {
        SealedKey sealed = sealer.seal(secret, "row-1");
        MasterKey next = MasterKey.generate(random);
        SealedKey rewrapped = sealer.rewrap(sealed, next);
        assertThat(rewrapped.ciphertext()).isEqualTo(sealed.ciphertext());
        assertThat(rewrapped.masterKeyId()).isEqualTo(next.id());
        assertThat(new KeySealer(next, random).open(rewrapped, "row-1")).isEqualTo(secret);
        assertThatThrownBy(() -> sealer.open(rewrapped, "row-1")).isInstanceOf(PkiException.class);
    }

    @Test
    void theMasterKeyIdIsStableAndTheKeyNeverPrints() {
        byte[] raw = new byte[32];
        raw[0] = 7;
        assertThat(MasterKey.of(raw).id()).isEqualTo(MasterKey.of(raw.clone()).id());
        assertThat(MasterKey.of(raw).toString()).doesNotContain("7,").startsWith("MasterKey[id=");
        assertThatThrownBy(() -> MasterKey.of(new byte[16])).hasMessageContaining("32 bytes");
    }
}
