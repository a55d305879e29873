package io.certdesk.server.acme;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the seed corpus of {@link AcmeReadersFuzzTest}: real request bodies as certbot and lego
 * send them (newAccount with EAB by jwk, newOrder and POST-as-GET by kid, a key change, RS256).
 * Run: {@code java -cp "$(cat cp.txt):certdesk-server/target/test-classes" io.certdesk.server.acme.AcmeFuzzSeeds DIR}
 * (cp.txt from {@code mvn -pl certdesk-server dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 */
public final class AcmeFuzzSeeds {
    private AcmeFuzzSeeds() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        String base = "https://acme.example.test/acme/a1/";
        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        JWSObject eab = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID("eab_seed")
                        .customParam("url", base + "new-account")
                        .build(),
                new Payload(ec.toPublicJWK().toJSONString()));
        eab.sign(new MACSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        write(
                dir,
                "new-account-eab",
                ecJws(
                        ec,
                        true,
                        base + "new-account",
                        "{\"termsOfServiceAgreed\":true,\"contact\":[\"mailto:ops@example.test\"],\"externalAccountBinding\":"
                                + flattened(eab) + "}"));
        write(
                dir,
                "new-order",
                ecJws(
                        ec,
                        false,
                        base + "new-order",
                        "{\"identifiers\":[{\"type\":\"dns\",\"value\":\"printer.example.test\"}]}"));
        write(dir, "post-as-get", ecJws(ec, false, base + "order/o1", ""));
        ECKey next = new ECKeyGenerator(Curve.P_384).generate();
        JWSObject inner = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.ES384)
                        .jwk(next.toPublicJWK())
                        .customParam("url", base + "key-change")
                        .build(),
                new Payload("{\"account\":\"" + base + "account/x1\",\"oldKey\":"
                        + ec.toPublicJWK().toJSONString() + "}"));
        inner.sign(new ECDSASigner(next));
        write(dir, "key-change", ecJws(ec, false, base + "key-change", flattened(inner)));
        JWSObject rs = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .jwk(rsa.toPublicJWK())
                        .customParam("nonce", "seed-nonce")
                        .customParam("url", base + "revoke-cert")
                        .build(),
                new Payload("{\"certificate\":\"MIIB\",\"reason\":4}"));
        rs.sign(new RSASSASigner(rsa));
        write(dir, "revoke-rs256", flattened(rs));
    }

    private static String ecJws(ECKey key, boolean byJwk, String url, String payload) throws Exception {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .customParam("nonce", "seed-nonce")
                .customParam("url", url);
        header = byJwk ? header.jwk(key.toPublicJWK()) : header.keyID("https://acme.example.test/acme/a1/account/x1");
        JWSObject jws = new JWSObject(header.build(), new Payload(payload));
        jws.sign(new ECDSASigner(key));
        return flattened(jws);
    }

    private static String flattened(JWSObject jws) {
        return "{\"protected\":\"" + jws.getHeader().toBase64URL() + "\",\"payload\":\""
                + jws.getPayload().toBase64URL() + "\",\"signature\":\"" + jws.getSignature() + "\"}";
    }

    private static void write(Path dir, String name, String body) throws Exception {
        Files.writeString(dir.resolve(name), body);
    }
}
