package io.certdesk.server.tls;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.TestCa;
import java.lang.management.ManagementFactory;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The heap the TLS edge's index takes per chain, measured alone (no database, no server): N
 * accounts, each with one domain and one EC P-256 chain (leaf + a shared issuer), built from their
 * DER as the server builds them. Run with a serial collector for exact figures:
 * {@code java -XX:+UseSerialGC -cp benchmarks.jar io.certdesk.server.tls.IndexMemory 10000}.
 * (In the server's package to reach the package-private index; a benchmark, not shipped.)
 */
public final class IndexMemory {
    private IndexMemory() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Instant now = Instant.now();
        var root = TestCa.certificate("CN=Memory Root")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(800)))
                .build();
        byte[] rootDer = root.certificate().getEncoded();
        List<byte[]> leaves = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        long leafBytes = 0;
        for (int i = 0; i < count; i++) {
            String name = "h" + i + ".memory.bench";
            var leaf = TestCa.certificate("CN=" + name)
                    .issuedBy(root)
                    .endEntity()
                    .dns(name)
                    .keyType(KeyType.EC_P256)
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                    .build();
            leaves.add(leaf.certificate().getEncoded());
            keys.add(leaf.key().getEncoded());
            leafBytes += leaves.get(i).length;
        }
        var platform = new ServedChain(
                "platform",
                "",
                List.of(),
                "EC",
                now,
                now.plus(Duration.ofDays(1)),
                now,
                new X509Certificate[] {root.certificate()},
                ServedKey.opened("platform", root.key()),
                new ServedChain.Stapling());
        TlsIndex index = new TlsIndex(platform, Optional.empty());
        long before = used();
        KeyFactory ec = KeyFactory.getInstance("EC");
        X509Certificate issuer = CertificateCodec.decodeDer(rootDer); // shared, as a bulk load shares it
        for (int i = 0; i < count; i++) {
            String name = "h" + i + ".memory.bench";
            PrivateKey key = ec.generatePrivate(new PKCS8EncodedKeySpec(keys.get(i)));
            String account = UUID.randomUUID().toString(); // ids as the database gives them
            HeldCertificate leaf = HeldCertificate.of(leaves.get(i));
            leaf.getPublicKey(); // as the first handshake with it does: the index as it is once every name has been
            // served
            ServedChain chain = new ServedChain(
                    UUID.randomUUID().toString(),
                    account,
                    List.of(name),
                    "EC",
                    now,
                    now.plus(Duration.ofDays(90)),
                    now,
                    new X509Certificate[] {leaf, issuer},
                    ServedKey.opened(account, key),
                    new ServedChain.Stapling());
            index.replace(account, new AccountTls(account, Set.of(name), Map.of(), List.of(chain)), now);
        }
        long after = used();
        long perChain = (after - before) / count;
        long der = leafBytes / count;
        System.out.printf(
                "%d chains: %,d bytes of heap per chain in the index (account, domain, leaf held as DER with its public key, private key; issuer shared);"
                        + " the leaf's DER is %d bytes of it: %,d bytes beyond the certificate's own bytes%n",
                count, perChain, der, perChain - der);
        if (index.size() != count + 1) {
            throw new IllegalStateException("index holds " + index.size());
        }
    }

    private static long used() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
