package io.certdesk.server.store;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.PlatformCa;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.pki.seal.KeySealer;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.pki.seal.SealedKey;
import io.certdesk.server.testing.TestServer;
import io.certdesk.server.users.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The data of every step of the schema's history, written as the code of that step wrote it: each
 * step's fill writes only the columns its schema had, in the formats the stores of that step
 * used, with certificates and keys made here (keys sealed under {@link #masterKey} as the key vault
 * seals them). A step released together with the next one (9 with 10) has no code of its own and
 * so no data. What a later step must find is kept in the fields.
 */
final class SchemaHistory {
    static final String VENDOR_ADMIN = "upgrade-vendor-admin";
    static final String VENDOR_ADMIN_PASSWORD = "a-vendor-admin-password";
    static final String VENDOR_DOMAIN = "shop.upgrade.test";
    static final String API_DOMAIN = "api.shop.upgrade.test";
    static final String CUSTOMER_DOMAIN = "kiosk.customer-upgrade.test";

    /** What a step writes, said in a sentence, and the writing. */
    record Step(String wrote, Fill fill) {}

    @FunctionalInterface
    interface Fill {
        void write(Handle h) throws Exception;
    }

    private final SecureRandom random = new SecureRandom();
    final MasterKey masterKey = MasterKey.generate(random);
    private final KeySealer sealer = new KeySealer(masterKey, random);
    /** The data is written a month ago: what it holds is in the middle of its life now. */
    private final Instant then = Instant.now().minus(Duration.ofDays(30));

    private final CertificateIssuer issuer = new CertificateIssuer(Clock.fixed(then, ZoneOffset.UTC), random);
    /** The platform CA as step 1 made it: an RSA root and one RSA issuing CA that signed every leaf. */
    PlatformCa caAtStep1;
    /** The platform CA once step 4 added the EC issuing CA for EC leaves. */
    PlatformCa ca;
    /** Another CA, whose chains accounts import. */
    PlatformCa outside;

    final String vendor = UUID.randomUUID().toString();
    final String customer = UUID.randomUUID().toString();
    final String sessionToken = HexFormat.of().formatHex(bytes(32));
    X509Certificate nodeCertificate;
    /** Step 24: the SCEP RA and the account's static challenge password (its hash stored, as the service stores it). */
    X509Certificate scepRa;

    final String scepPassword = "UPGRADESTATICPASSWORD234";
    X509Certificate scepCertificate;
    X509Certificate trustedCa;
    IssuedChain imported;
    String importedId;
    IssuedChain generatedTls;
    String generatedTlsId;
    IssuedChain signing;
    String signingId;
    String passiveId;
    String nextSigningId;
    final String apiClientId = "cdc_" + HexFormat.of().formatHex(bytes(8));
    final String apiClientSecret = "cds_" + HexFormat.of().formatHex(bytes(32));
    List<X509Certificate> customerChain;
    String customerChainId;
    X509Certificate revokedLeaf;
    X509Certificate responder;
    String requestId;
    X509Certificate signedRequest;
    String eabKeyId;
    ECKey acmeKey;
    final String acmeAccountId = UUID.randomUUID().toString();
    final String acmeOrderId = UUID.randomUUID().toString();
    X509Certificate acmeCertificate;
    String webhookId;

    /** Every step of the schema, by its version; a step with no fill says why. */
    Map<String, Step> steps() {
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put(
                "1",
                new Step(
                        "accounts, domains, users, a session, the platform CA, a node certificate, audit",
                        this::step1));
        steps.put("2", new Step("a trusted CA", this::step2));
        steps.put("3", new Step("imported and generated chains, TLS bindings, the signing chain", this::step3));
        steps.put("4", new Step("the EC issuing CA added to the RSA platform CA", this::step4));
        steps.put("5", new Step("an API client", this::step5));
        steps.put("6", new Step("a replaced signing chain kept passive", this::step6));
        steps.put("7", new Step("a token lifetime and a next signing chain", this::step7));
        steps.put("8", new Step("a CA shared with customers, trust settings", this::step8));
        steps.put("9", new Step("nothing: released with step 10, whose code wrote its table", h -> {}));
        steps.put("10", new Step("a customer chain and a revoked certificate recorded as issued", this::step10));
        steps.put("11", new Step("CRL revisions, a CRL claimed, an OCSP responder", this::step11));
        steps.put("12", new Step("an imported chain its issuer revoked", this::step12));
        steps.put("13", new Step("lifecycle settings", this::step13));
        steps.put("14", new Step("a webhook, an event, its delivery, an expiry notice", this::step14));
        steps.put("15", new Step("a retired issuing CA", this::step15));
        steps.put("16", new Step("nothing: an index", h -> {}));
        steps.put("17", new Step("nothing: indexes", h -> {}));
        steps.put("18", new Step("a certificate request, a requested chain, a signed device CSR", this::step18));
        steps.put(
                "19",
                new Step("ACME: EAB key, account, order, authorization, challenge, nonce, settings", this::step19));
        steps.put("20", new Step("an hourly ACME order limit", this::step20));
        steps.put("21", new Step("nothing: an index", h -> {}));
        steps.put("22", new Step("failed sign-in attempts", this::step22));
        steps.put("23", new Step("nothing: an index", h -> {}));
        steps.put(
                "24",
                new Step(
                        "SCEP: settings, a static password, the RA, a device's request and certificate", this::step24));
        return steps;
    }

    private void step1(Handle h) throws Exception {
        KeyPair rootKeys = KeyPairs.generate(KeyType.RSA_2048, random);
        KeyPair issuingKeys = KeyPairs.generate(KeyType.RSA_2048, random);
        PlatformCa made = issuer.createPlatformCa(
                "Upgrade Platform", KeyType.RSA_2048, rootKeys, issuingKeys, Duration.ofDays(20 * 365));
        caAtStep1 = new PlatformCa(
                made.root(), made.rootKey(), made.issuing(), made.issuingKey(), made.issuing(), made.issuingKey());
        h.execute(
                "INSERT INTO platform_ca (id, root_der, root_key_id, issuing_der, issuing_key_id, created_at)"
                        + " VALUES ('current', ?, ?, ?, ?, ?)",
                der(made.root()),
                seal(h, null, made.rootKey()),
                der(made.issuing()),
                seal(h, null, made.issuingKey()),
                at(then));
        IssuedChain node = issuer.issueTlsServer(caAtStep1, "localhost", KeyType.EC_P256, Duration.ofDays(365));
        nodeCertificate = node.leaf();
        h.execute(
                "INSERT INTO server_certificates (hostname, leaf_der, key_id, not_after, created_at) VALUES (?, ?, ?, ?, ?)",
                "localhost",
                der(node.leaf()),
                seal(h, null, node.privateKey()),
                at(node.leaf().getNotAfter().toInstant()),
                at(then));
        h.execute(
                "INSERT INTO accounts (id, name, type, parent_id, created_at) VALUES (?, 'Upgrade Vendor', 'VENDOR', NULL, ?)",
                vendor,
                at(then));
        h.execute(
                "INSERT INTO accounts (id, name, type, parent_id, created_at) VALUES (?, 'Upgrade Customer', 'CUSTOMER', ?, ?)",
                customer,
                vendor,
                at(then));
        for (String domain : List.of(VENDOR_DOMAIN, API_DOMAIN)) {
            h.execute("INSERT INTO domains (name, account_id, created_at) VALUES (?, ?, ?)", domain, vendor, at(then));
        }
        h.execute(
                "INSERT INTO domains (name, account_id, created_at) VALUES (?, ?, ?)",
                CUSTOMER_DOMAIN,
                customer,
                at(then));
        PasswordHasher hasher = new PasswordHasher(random);
        h.execute(
                "INSERT INTO users (id, username, password_hash, role, account_id, created_at) VALUES (?, 'admin', ?, 'PLATFORM_ADMIN', NULL, ?)",
                UUID.randomUUID().toString(),
                hasher.hash(TestServer.ADMIN_PASSWORD),
                at(then));
        String vendorAdmin = UUID.randomUUID().toString();
        h.execute(
                "INSERT INTO users (id, username, password_hash, role, account_id, created_at) VALUES (?, ?, ?, 'ACCOUNT_ADMIN', ?, ?)",
                vendorAdmin,
                VENDOR_ADMIN,
                hasher.hash(VENDOR_ADMIN_PASSWORD),
                vendor,
                at(then));
        h.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                CertificateCodec.sha256Hex(sessionToken.getBytes(StandardCharsets.US_ASCII)),
                vendorAdmin,
                at(Instant.now().minus(Duration.ofMinutes(5))),
                at(Instant.now().plus(Duration.ofHours(8))));
        h.execute(
                "INSERT INTO audit_log (occurred_at, actor, account_id, action, detail, request_id) VALUES (?, 'admin', ?, 'ACCOUNT_CREATED', 'Upgrade Vendor', ?)",
                at(then),
                vendor,
                UUID.randomUUID().toString());
    }

    private void step2(Handle h) throws Exception {
        outside = issuer.createPlatformCa("Outside Issuer", KeyType.EC_P256, Duration.ofDays(3650));
        trustedCa = outside.root();
        CertificateInfo i = CertificateInfo.of(trustedCa);
        h.execute(
                "INSERT INTO trusted_cas (id, account_id, sha256, der, subject, issuer, serial_number, not_before, not_after,"
                        + " is_ca, key_algorithm, key_size, signature_algorithm, self_signed, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(),
                vendor,
                i.sha256(),
                der(trustedCa),
                i.subject(),
                i.issuer(),
                i.serialNumber(),
                at(i.notBefore()),
                at(i.notAfter()),
                i.isCa(),
                i.keyAlgorithm(),
                i.keySize(),
                i.signatureAlgorithm(),
                i.selfSigned(),
                at(then));
    }

    private void step3(Handle h) throws Exception {
        imported = issuer.issueTlsServer(outside, VENDOR_DOMAIN, KeyType.EC_P256, Duration.ofDays(90));
        importedId = chainAtStep3(h, vendor, "IMPORTED", "TLS_SERVER", imported, List.of(VENDOR_DOMAIN));
        generatedTls = issuer.issueTlsServer(caAtStep1, API_DOMAIN, KeyType.EC_P256, Duration.ofDays(90));
        generatedTlsId = chainAtStep3(h, vendor, "GENERATED", "TLS_SERVER", generatedTls, List.of(API_DOMAIN));
        signing = issuer.issueTokenSigning(caAtStep1, "Upgrade Vendor", vendor, KeyType.EC_P256, Duration.ofDays(365));
        signingId = chainAtStep3(h, vendor, "GENERATED", "TOKEN_SIGNING", signing, List.of());
        h.execute(
                "INSERT INTO pki_settings (account_id, signing_chain_id, updated_at) VALUES (?, ?, ?)",
                vendor,
                signingId,
                at(then));
        h.execute(
                "INSERT INTO tls_bindings (domain, account_id, chain_id) VALUES (?, ?, ?)",
                VENDOR_DOMAIN,
                vendor,
                importedId);
        h.execute(
                "INSERT INTO tls_bindings (domain, account_id, chain_id) VALUES (?, ?, ?)",
                API_DOMAIN,
                vendor,
                generatedTlsId);
    }

    private void step4(Handle h) throws Exception {
        IssuedChain ec = issuer.addEcIssuingCa(caAtStep1, "Upgrade Platform", Duration.ofDays(10 * 365));
        ca = new PlatformCa(
                caAtStep1.root(),
                caAtStep1.rootKey(),
                caAtStep1.issuing(),
                caAtStep1.issuingKey(),
                ec.leaf(),
                ec.privateKey());
        h.execute(
                "UPDATE platform_ca SET ec_issuing_der = ?, ec_issuing_key_id = ? WHERE id = 'current'",
                der(ec.leaf()),
                seal(h, null, ec.privateKey()));
    }

    private void step5(Handle h) {
        h.execute(
                "INSERT INTO api_clients (client_id, account_id, name, scopes, secret_hash, created_at, secret_set_at)"
                        + " VALUES (?, ?, 'Print fleet', 'certificates:read pki-settings:read', ?, ?, ?)",
                apiClientId,
                vendor,
                CertificateCodec.sha256Hex(apiClientSecret.getBytes(StandardCharsets.UTF_8)),
                at(then),
                at(then));
    }

    private void step6(Handle h) throws Exception {
        IssuedChain old = issuer.issueTokenSigning(ca, "Upgrade Vendor", vendor, KeyType.EC_P256, Duration.ofDays(365));
        passiveId = chainAtStep3(h, vendor, "GENERATED", "TOKEN_SIGNING", old, List.of());
        h.execute(
                "INSERT INTO passive_signing_keys (account_id, chain_id, passive_until) VALUES (?, ?, ?)",
                vendor,
                passiveId,
                at(Instant.now().plus(Duration.ofDays(2))));
    }

    private void step7(Handle h) throws Exception {
        IssuedChain next =
                issuer.issueTokenSigning(ca, "Upgrade Vendor", vendor, KeyType.EC_P384, Duration.ofDays(365));
        nextSigningId = chainAtStep3(h, vendor, "GENERATED", "TOKEN_SIGNING", next, List.of());
        h.execute(
                "UPDATE pki_settings SET token_lifetime_seconds = 600, previous_token_lifetime_seconds = 900,"
                        + " token_lifetime_changed_at = ?, next_signing_chain_id = ?, next_activate_at = ? WHERE account_id = ?",
                at(then),
                nextSigningId,
                at(Instant.now().plus(Duration.ofDays(3))),
                vendor);
    }

    private void step8(Handle h) {
        h.execute("UPDATE trusted_cas SET share_with_customers = TRUE WHERE account_id = ?", vendor);
        h.execute(
                "UPDATE accounts SET trust_revocation = 'HARD_FAIL', trust_public_roots = TRUE WHERE id = ?", customer);
    }

    private void step10(Handle h) throws Exception {
        IssuedChain chain = issuer.issueTlsServer(ca, CUSTOMER_DOMAIN, KeyType.RSA_2048, Duration.ofDays(90));
        customerChain = chain.chain();
        customerChainId = chainAtStep3(h, customer, "GENERATED", "TLS_SERVER", chain, List.of(CUSTOMER_DOMAIN));
        h.execute(
                "INSERT INTO tls_bindings (domain, account_id, chain_id) VALUES (?, ?, ?)",
                CUSTOMER_DOMAIN,
                customer,
                customerChainId);
        IssuedChain gone = issuer.issueTlsServer(ca, "old." + CUSTOMER_DOMAIN, KeyType.EC_P256, Duration.ofDays(90));
        revokedLeaf = gone.leaf();
        issued(h, gone.leaf(), ca.ecIssuing(), "TLS_SERVER", customer, null, List.of("old." + CUSTOMER_DOMAIN), false);
        h.execute(
                "UPDATE issued_certificates SET revoked_at = ?, revocation_reason = 'KEY_COMPROMISE' WHERE serial = ?",
                at(then.plus(Duration.ofDays(1))),
                gone.leaf().getSerialNumber().toString(16));
    }

    private void step11(Handle h) throws Exception {
        h.execute(
                "INSERT INTO crl_revisions (issuer_sha256, revision) VALUES (?, 1)",
                CertificateCodec.sha256Hex(ca.ecIssuing()));
        h.execute(
                "INSERT INTO crls (issuer_sha256, built_revision, crl_number, entries) VALUES (?, 0, 0, 0)",
                CertificateCodec.sha256Hex(ca.ecIssuing()));
        IssuedChain made =
                new CertificateIssuer(Clock.systemUTC(), random).issueOcspResponder(ca.ecIssuing(), ca.ecIssuingKey());
        responder = made.leaf();
        h.execute(
                "INSERT INTO ocsp_responders (issuer_sha256, certificate_der, key_id, not_after, created_at) VALUES (?, ?, ?, ?, ?)",
                CertificateCodec.sha256Hex(ca.ecIssuing()),
                der(responder),
                seal(h, null, made.privateKey()),
                at(responder.getNotAfter().toInstant()),
                at(Instant.now()));
    }

    private void step12(Handle h) throws Exception {
        IssuedChain chain = issuer.issueTlsServer(outside, VENDOR_DOMAIN, KeyType.EC_P256, Duration.ofDays(90));
        String id = chainAtStep3(h, vendor, "IMPORTED", "TLS_SERVER", chain, List.of(VENDOR_DOMAIN));
        h.execute(
                "INSERT INTO issuer_revocations (chain_id, account_id, revoked_at, reason, detected_at, responder_url) VALUES (?, ?, ?, 'KEY_COMPROMISE', ?, ?)",
                id,
                vendor,
                at(then.plus(Duration.ofDays(2))),
                at(then.plus(Duration.ofDays(2))),
                "http://ocsp.outside.test/");
    }

    private void step13(Handle h) {
        h.execute(
                "INSERT INTO lifecycle_settings (account_id, auto_renew, renew_at_percent, renew_days_before, expiry_notice_days, updated_at)"
                        + " VALUES (?, TRUE, NULL, 20, '30,7,1', ?)",
                vendor,
                at(then));
    }

    private void step14(Handle h) throws Exception {
        webhookId = UUID.randomUUID().toString();
        h.execute(
                "INSERT INTO webhooks (id, account_id, url, events, description, secret_key_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                webhookId,
                vendor,
                "https://hooks.upgrade.test/certdesk",
                ",chain.deleted,chain.imported,",
                "Operations",
                sealSecret(h, vendor, bytes(32)),
                at(then));
        String event = "msg_" + UUID.randomUUID().toString().replace("-", "");
        h.execute(
                "INSERT INTO webhook_events (id, account_id, type, payload, created_at) VALUES (?, ?, 'chain.imported', ?, ?)",
                event,
                vendor,
                "{\"type\":\"chain.imported\",\"timestamp\":\"" + then + "\",\"data\":{\"accountId\":\"" + vendor
                        + "\",\"chainId\":\"" + importedId + "\"}}",
                at(then));
        h.execute(
                "INSERT INTO webhook_deliveries (event_id, webhook_id, status, attempts, last_attempt_at, last_status, delivered_at)"
                        + " VALUES (?, ?, 'DELIVERED', 1, ?, 204, ?)",
                event,
                webhookId,
                at(then),
                at(then));
        h.execute(
                "INSERT INTO expiry_notices (item_id, position, account_id, not_after, last_threshold, next_notice_at) VALUES (?, 0, ?, ?, NULL, ?)",
                importedId,
                vendor,
                at(imported.leaf().getNotAfter().toInstant()),
                at(imported.leaf().getNotAfter().toInstant().minus(Duration.ofDays(30))));
    }

    private void step15(Handle h) throws Exception {
        IssuedChain old = issuer.addEcIssuingCa(ca, "Upgrade Platform Retired", Duration.ofDays(365));
        h.execute(
                "INSERT INTO retired_issuing_cas (sha256, der, key_id, retired_at) VALUES (?, ?, ?, ?)",
                CertificateCodec.sha256Hex(old.leaf()),
                der(old.leaf()),
                seal(h, null, old.privateKey()),
                at(then));
    }

    private void step18(Handle h) throws Exception {
        KeyPair keys = KeyPairs.generate(KeyType.EC_P256, random);
        requestId = UUID.randomUUID().toString();
        h.execute(
                "INSERT INTO certificate_requests (id, account_id, key_type, dns_names, csr_der, key_id, created_at, expires_at)"
                        + " VALUES (?, ?, 'EC_P256', ?, ?, ?, ?, ?)",
                requestId,
                vendor,
                API_DOMAIN,
                Pkcs10.build(keys, KeyType.EC_P256, List.of(API_DOMAIN)),
                seal(h, vendor, keys.getPrivate()),
                at(Instant.now().minus(Duration.ofDays(1))),
                at(Instant.now().plus(Duration.ofDays(29))));
        IssuedChain requested = issuer.issueTlsServer(outside, API_DOMAIN, KeyType.EC_P256, Duration.ofDays(90));
        chainAtStep3(h, vendor, "REQUESTED", "TLS_SERVER", requested, List.of(API_DOMAIN));
        KeyPair device = KeyPairs.generate(KeyType.EC_P256, random);
        List<X509Certificate> signed = issuer.issueForKey(
                ca,
                device.getPublic(),
                List.of("printer-7." + VENDOR_DOMAIN),
                DeviceProfile.TLS_SERVER_AND_CLIENT,
                Duration.ofDays(90));
        signedRequest = signed.get(0);
        issued(
                h,
                signedRequest,
                signed.get(1),
                "SIGNED_REQUEST",
                vendor,
                null,
                List.of("printer-7." + VENDOR_DOMAIN),
                true);
    }

    private void step19(Handle h) throws Exception {
        eabKeyId = "eab_" + HexFormat.of().formatHex(bytes(8));
        h.execute(
                "INSERT INTO acme_eab_keys (key_id, account_id, secret_key_id, description, created_at, bound_at, acme_account_id)"
                        + " VALUES (?, ?, ?, 'Terminal fleet', ?, ?, ?)",
                eabKeyId,
                vendor,
                sealSecret(h, vendor, bytes(32)),
                at(then),
                at(then),
                acmeAccountId);
        acmeKey = new ECKeyGenerator(Curve.P_256).generate();
        h.execute(
                "INSERT INTO acme_accounts (id, account_id, jwk_thumbprint, jwk, status, contact, eab_key_id, created_at)"
                        + " VALUES (?, ?, ?, ?, 'valid', 'mailto:ops@upgrade.test', ?, ?)",
                acmeAccountId,
                vendor,
                acmeKey.computeThumbprint().toString(),
                acmeKey.toPublicJWK().toJSONString(),
                eabKeyId,
                at(then));
        KeyPair keys = KeyPairs.generate(KeyType.EC_P256, random);
        List<X509Certificate> chain = issuer.issueForKey(
                ca, keys.getPublic(), List.of(API_DOMAIN), DeviceProfile.TLS_SERVER, Duration.ofDays(90));
        acmeCertificate = chain.get(0);
        issued(h, acmeCertificate, chain.get(1), "ACME", vendor, null, List.of(API_DOMAIN), true);
        h.execute(
                "INSERT INTO acme_orders (id, acme_account_id, account_id, status, identifiers, expires_at, error, issuer_sha256, serial, replaces, created_at)"
                        + " VALUES (?, ?, ?, 'valid', ?, ?, NULL, ?, ?, NULL, ?)",
                acmeOrderId,
                acmeAccountId,
                vendor,
                API_DOMAIN,
                at(Instant.now().plus(Duration.ofDays(7))),
                CertificateCodec.sha256Hex(chain.get(1)),
                acmeCertificate.getSerialNumber().toString(16),
                at(then));
        String authz = UUID.randomUUID().toString();
        h.execute(
                "INSERT INTO acme_authorizations (id, order_id, identifier, status, expires_at) VALUES (?, ?, ?, 'valid', ?)",
                authz,
                acmeOrderId,
                API_DOMAIN,
                at(Instant.now().plus(Duration.ofDays(7))));
        h.execute(
                "INSERT INTO acme_challenges (id, authz_id, type, token, status, validated_at) VALUES (?, ?, 'http-01', ?, 'valid', ?)",
                UUID.randomUUID().toString(),
                authz,
                HexFormat.of().formatHex(bytes(16)),
                at(then));
        h.execute(
                "INSERT INTO acme_used_nonces (nonce, used_at) VALUES (?, ?)",
                HexFormat.of().formatHex(bytes(16)),
                at(Instant.now()));
        h.execute("INSERT INTO acme_settings (id, nonce_key_id) VALUES (1, ?)", sealSecret(h, null, bytes(32)));
        h.execute(
                "INSERT INTO acme_account_settings (account_id, domains_prevalidated, updated_at) VALUES (?, TRUE, ?)",
                vendor,
                at(then));
    }

    private void step20(Handle h) {
        h.execute("UPDATE acme_account_settings SET orders_per_hour = 50 WHERE account_id = ?", vendor);
    }

    private void step22(Handle h) {
        h.execute("INSERT INTO attempt_events (scope, subject, at) VALUES ('sign-in', 'nobody', ?)", at(Instant.now()));
    }

    private void step24(Handle h) throws Exception {
        h.execute(
                "INSERT INTO scep_settings (account_id, enabled, profile, validity_days, foreign_names, updated_at)"
                        + " VALUES (?, TRUE, 'TLS_SERVER_AND_CLIENT', 200, 'REFUSE', ?)",
                vendor,
                at(then));
        h.execute(
                "INSERT INTO scep_passwords (id, account_id, kind, secret_hash, label, created_by, created_at)"
                        + " VALUES (?, ?, 'STATIC', ?, 'fleet', 'admin', ?)",
                UUID.randomUUID().toString(),
                vendor,
                CertificateCodec.sha256Hex(scepPassword.getBytes(StandardCharsets.UTF_8)),
                at(then));
        KeyPair raKeys = KeyPairs.generate(KeyType.RSA_2048, random);
        scepRa = issuer.issueScepRa(ca, raKeys.getPublic(), Duration.ofDays(365));
        h.execute(
                "INSERT INTO scep_ras (id, certificate_der, key_id, not_after, created_at) VALUES (?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(),
                der(scepRa),
                seal(h, null, raKeys.getPrivate()),
                at(scepRa.getNotAfter().toInstant()),
                at(then));
        issued(h, scepRa, ca.issuingFor("RSA"), "SCEP_RA", null, null, List.of(), false);
        KeyPair device = KeyPairs.generate(KeyType.RSA_2048, random);
        List<X509Certificate> chain = issuer.issueForKey(
                ca,
                device.getPublic(),
                List.of("mfp-3." + VENDOR_DOMAIN),
                DeviceProfile.TLS_SERVER_AND_CLIENT,
                Duration.ofDays(200));
        scepCertificate = chain.get(0);
        issued(h, scepCertificate, chain.get(1), "SCEP", vendor, null, List.of("mfp-3." + VENDOR_DOMAIN), true);
        h.execute(
                "INSERT INTO scep_requests (id, account_id, transaction_id, message_type, status, subject, dns_names,"
                        + " csr_der, signer_sha256, signer_der, issuer_sha256, serial, created_at, decided_at)"
                        + " VALUES (?, ?, 'upgrade-transaction', 'ENROLLMENT', 'ISSUED', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(),
                vendor,
                "mfp-3." + VENDOR_DOMAIN,
                "mfp-3." + VENDOR_DOMAIN,
                Pkcs10.build(device, KeyType.RSA_2048, List.of("mfp-3." + VENDOR_DOMAIN)),
                CertificateCodec.sha256Hex(scepCertificate),
                der(scepCertificate),
                CertificateCodec.sha256Hex(chain.get(1)),
                scepCertificate.getSerialNumber().toString(16),
                at(then),
                at(then));
    }

    /** A chain as the chain store wrote it (from step 13 on with each certificate's end beside its DER); a generated one recorded as issued from step 10 on. */
    private String chainAtStep3(
            Handle h, String account, String origin, String purposes, IssuedChain chain, List<String> names)
            throws Exception {
        String id = UUID.randomUUID().toString();
        CertificateInfo leaf = CertificateInfo.of(chain.leaf());
        h.execute(
                "INSERT INTO private_chains (id, account_id, origin, purposes, subject, not_before, not_after, key_algorithm, key_size, sha256, key_id, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id,
                account,
                origin,
                purposes,
                leaf.subject(),
                at(leaf.notBefore()),
                at(leaf.notAfter()),
                leaf.keyAlgorithm(),
                leaf.keySize(),
                leaf.sha256(),
                seal(h, account, chain.privateKey()),
                at(then));
        boolean endsStored = columnExists(h, "private_chain_certificates", "not_after");
        for (int i = 0; i < chain.chain().size(); i++) {
            X509Certificate certificate = chain.chain().get(i);
            if (endsStored) {
                h.execute(
                        "INSERT INTO private_chain_certificates (chain_id, position, der, not_after) VALUES (?, ?, ?, ?)",
                        id,
                        i,
                        der(certificate),
                        at(certificate.getNotAfter().toInstant()));
            } else {
                h.execute(
                        "INSERT INTO private_chain_certificates (chain_id, position, der) VALUES (?, ?, ?)",
                        id,
                        i,
                        der(certificate));
            }
        }
        for (String name : names) {
            h.execute("INSERT INTO private_chain_names (chain_id, name) VALUES (?, ?)", id, name);
        }
        if (origin.equals("GENERATED") && tableExists(h, "issued_certificates")) {
            issued(h, chain.leaf(), chain.chain().get(1), purposes, account, id, names, false);
        }
        return id;
    }

    private static void issued(
            Handle h,
            X509Certificate leaf,
            X509Certificate by,
            String issuedFor,
            String account,
            String chain,
            List<String> names,
            boolean der)
            throws Exception {
        String columns =
                "issuer_sha256, serial, subject, dns_names, not_before, not_after, issued_for, account_id, chain_id, sha256, issued_at";
        Object[] values = {
            CertificateCodec.sha256Hex(by),
            leaf.getSerialNumber().toString(16),
            leaf.getSubjectX500Principal().getName(),
            String.join(",", names),
            at(leaf.getNotBefore().toInstant()),
            at(leaf.getNotAfter().toInstant()),
            issuedFor,
            account,
            chain,
            CertificateCodec.sha256Hex(leaf),
            at(leaf.getNotBefore().toInstant())
        };
        if (der) {
            Object[] more = java.util.Arrays.copyOf(values, values.length + 1);
            more[values.length] = leaf.getEncoded();
            h.execute(
                    "INSERT INTO issued_certificates (" + columns
                            + ", der) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    more);
        } else {
            h.execute(
                    "INSERT INTO issued_certificates (" + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values);
        }
    }

    private String seal(Handle h, String account, PrivateKey key) throws Exception {
        return sealBytes(h, account, KeyPairs.encodePkcs8Der(key), algorithm(key));
    }

    private String sealSecret(Handle h, String account, byte[] secret) throws Exception {
        return sealBytes(h, account, secret, "HMAC-SHA256");
    }

    /** A secret sealed as the key vault seals it; its account is written once keys belong to accounts (step 3). */
    private String sealBytes(Handle h, String account, byte[] secret, String algorithm) throws Exception {
        String id = UUID.randomUUID().toString();
        SealedKey sealed = sealer.seal(secret, "sealed_keys/" + id);
        if (columnExists(h, "sealed_keys", "account_id")) {
            h.execute(
                    "INSERT INTO sealed_keys (id, account_id, master_key_id, wrapped_data_key, ciphertext, key_algorithm, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    id,
                    account,
                    sealed.masterKeyId(),
                    sealed.wrappedDataKey(),
                    sealed.ciphertext(),
                    algorithm,
                    at(then));
        } else {
            h.execute(
                    "INSERT INTO sealed_keys (id, master_key_id, wrapped_data_key, ciphertext, key_algorithm, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    id,
                    sealed.masterKeyId(),
                    sealed.wrappedDataKey(),
                    sealed.ciphertext(),
                    algorithm,
                    at(then));
        }
        return id;
    }

    private static String algorithm(PrivateKey key) {
        return key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
    }

    static boolean tableExists(Handle h, String table) throws Exception {
        var meta = h.getConnection().getMetaData();
        for (String name : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
            try (var rs = meta.getTables(null, null, name, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean columnExists(Handle h, String table, String column) throws Exception {
        var meta = h.getConnection().getMetaData();
        for (String t : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
            for (String c : List.of(column, column.toUpperCase(java.util.Locale.ROOT))) {
                try (var rs = meta.getColumns(null, null, t, c)) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] der(X509Certificate certificate) {
        return CertificateCodec.encodeDer(certificate);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
