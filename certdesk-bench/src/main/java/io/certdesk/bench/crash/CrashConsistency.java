package io.certdesk.bench.crash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Kills a node with SIGKILL at random moments while a {@link ChangeStream} runs against it,
 * restarts it each time and checks that every change it had answered 2xx is there and whole
 * ({@link Checks}), through the API and the TLS edge; at the end, with the node down, that the
 * database opens and holds nothing half-stored.
 *
 * <p>{@code java -cp benchmarks.jar io.certdesk.bench.crash.CrashConsistency [--kills N]
 * [--database h2|postgresql] [--jar certdesk.jar] [--seed S]} (see
 * {@code certdesk-bench/scripts/crash-consistency.sh}); the test suite runs a short form.
 */
public final class CrashConsistency {
    static final String ADMIN_PASSWORD = "crash-harness-admin";

    /** What one run found: kills survived, changes answered, what was lost. */
    public record Report(
            String database,
            int kills,
            int survived,
            int acknowledged,
            int unanswered,
            int refused,
            Map<String, Integer> ledger,
            List<String> lost,
            List<String> refusals,
            int webhookEvents,
            int webhookRedeliveries) {
        @Override
        public String toString() {
            return String.format(
                            "%s: %d of %d kills survived; %d changes answered 2xx (%s), %d cut off by a kill, %d refused; lost: %s",
                            database,
                            survived,
                            kills,
                            acknowledged,
                            ledger,
                            unanswered,
                            refused,
                            lost.isEmpty() ? "nothing" : lost)
                    + "; webhook events taken: " + webhookEvents + " (" + webhookRedeliveries
                    + " sent again after a kill cut them off, the same webhook-id)"
                    + (refusals.isEmpty() ? "" : "; refusals: " + refusals);
        }
    }

    /** Where the node keeps its data: the embedded H2 default, or a PostgreSQL URL (user {@code postgres}, no password). */
    public record Target(String name, Optional<String> postgresUrl) {}

    private CrashConsistency() {}

    public static Report run(Path jar, Target target, int kills, long seed, Path work) throws Exception {
        Random random = new Random(seed);
        Path data = Files.createDirectories(work.resolve("data"));
        Map<String, String> env = new HashMap<>();
        env.put("CERTDESK_ADMIN_PASSWORD", ADMIN_PASSWORD);
        if (target.postgresUrl().isPresent()) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            env.put("CERTDESK_MASTER_KEY", Base64.getEncoder().encodeToString(key));
        }
        NodeProcess node = new NodeProcess(jar, data, target.postgresUrl(), env, work);
        Ledger ledger = new Ledger();
        List<String> lost = new ArrayList<>();
        int survived = 0;
        Receiver receiver = new Receiver();
        try {
            int port = node.start();
            X509Certificate ca = platformCa(data);
            Https admin = Https.to(port, ca).signedIn("admin", ADMIN_PASSWORD);
            ObjectNode create =
                    Https.JSON.createObjectNode().put("name", "Crash Print").put("type", "VENDOR");
            Https.Answer account = admin.send("POST", "/api/v1/accounts", create);
            if (account.status() != 201) {
                throw new IllegalStateException("cannot create the account: " + account.text());
            }
            String accountId = account.json().path("id").asText();
            ObjectNode hook = Https.JSON.createObjectNode().put("url", receiver.url());
            hook.putArray("events").add("chain.imported").add("chain.deleted");
            if (admin.send("POST", "/api/v1/accounts/" + accountId + "/webhooks", hook)
                            .status()
                    != 201) {
                throw new IllegalStateException("cannot register the webhook");
            }
            // the names every stream issues for are the account's from the start (the names thread adds more)
            com.fasterxml.jackson.databind.node.ObjectNode names = Https.JSON.createObjectNode();
            names.putArray("domains").add(ChangeStream.BASE_DOMAIN).add(ChangeStream.IMPORT_NAME);
            if (admin.send("PUT", "/api/v1/accounts/" + accountId + "/domains", names)
                            .status()
                    != 200) {
                throw new IllegalStateException("cannot give the account its domains");
            }
            // ACME orders for the account's names count as validated, and the hourly limit is not what is tested
            if (admin.send(
                                    "PUT",
                                    "/api/v1/accounts/" + accountId + "/acme/settings",
                                    Https.JSON
                                            .createObjectNode()
                                            .put("domainsPrevalidated", true)
                                            .put("ordersPerHour", 100_000))
                            .status()
                    != 200) {
                throw new IllegalStateException("cannot change the ACME settings");
            }
            for (int kill = 1; kill <= kills && lost.isEmpty(); kill++) {
                ChangeStream stream =
                        new ChangeStream(admin, accountId, ledger, acmeClient(admin, accountId, port, ca));
                stream.start();
                Thread.sleep(1_000 + random.nextInt(2_000)); // the kill lands 1 to 3 s into the stream
                node.kill();
                stream.stop();
                port = node.start();
                admin = Https.to(port, ca).signedIn("admin", ADMIN_PASSWORD);
                lost.addAll(Checks.afterRestart(admin, accountId, ledger, port, ca));
                if (lost.isEmpty()) {
                    survived++;
                }
            }
            lost.addAll(undelivered(receiver, ledger));
        } finally {
            node.kill();
            receiver.close();
        }
        String url = target.postgresUrl()
                .orElse("jdbc:h2:file:" + data.toAbsolutePath().resolve("certdesk"));
        lost.addAll(Checks.database(url, target.postgresUrl().isPresent() ? "postgres" : "certdesk"));
        return new Report(
                target.name(),
                kills,
                survived,
                ledger.acknowledged.get(),
                ledger.unanswered.get(),
                ledger.refused.get(),
                ledger.counts(),
                lost,
                List.copyOf(ledger.refusals),
                (int) receiver.taken.stream()
                        .map(Receiver.Delivery::webhookId)
                        .distinct()
                        .count(),
                receiver.taken.size()
                        - (int) receiver.taken.stream()
                                .map(Receiver.Delivery::webhookId)
                                .distinct()
                                .count());
    }

    /**
     * Every chain import and deletion the node answered has had its event delivered (the outbox
     * was written in the change's transaction), within 60 s of the last restart.
     */
    private static List<String> undelivered(Receiver receiver, Ledger ledger) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<String> missing;
        do {
            java.util.Set<String> imported = new java.util.HashSet<>();
            java.util.Set<String> deleted = new java.util.HashSet<>();
            synchronized (receiver.taken) {
                for (Receiver.Delivery d : receiver.taken) {
                    (d.type().equals("chain.imported") ? imported : deleted).add(d.chainId());
                }
            }
            missing = new ArrayList<>();
            for (Ledger.Chain chain : ledger.chains.values()) {
                if (chain.origin().equals("IMPORTED") && !imported.contains(chain.id())) {
                    missing.add("chain.imported of " + chain.id() + " never delivered");
                }
            }
            for (String id : ledger.deletedChains) {
                if (!deleted.contains(id)) {
                    missing.add("chain.deleted of " + id + " never delivered");
                }
            }
            if (!missing.isEmpty()) {
                Thread.sleep(500);
            }
        } while (!missing.isEmpty() && System.nanoTime() < deadline);
        return missing;
    }

    /** An ACME client of the account with its own account, bound by a fresh EAB credential (each binds once). */
    private static io.certdesk.bench.AcmeLoad.AcmeClient acmeClient(
            Https admin, String accountId, int port, X509Certificate ca) throws Exception {
        Https.Answer eab = admin.send(
                "POST",
                "/api/v1/accounts/" + accountId + "/acme/eab",
                Https.JSON.createObjectNode().put("description", "crash harness"));
        if (eab.status() != 201) {
            throw new IllegalStateException("cannot make an EAB credential: " + eab.text());
        }
        var client = new io.certdesk.bench.AcmeLoad.AcmeClient(
                io.certdesk.bench.AcmeLoad.http(List.of(ca)),
                "https://localhost:" + port + "/acme/" + accountId + "/directory");
        client.register(
                eab.json().path("keyId").asText(), eab.json().path("hmacKey").asText());
        return client;
    }

    /** The platform CA root a node wrote to its data folder on first start. */
    public static X509Certificate platformCa(Path data) throws Exception {
        try (InputStream in = Files.newInputStream(data.resolve("platform-ca.pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    public static void main(String[] args) throws Exception {
        int kills = 20;
        String database = "h2";
        Path jar = Path.of("certdesk-server/target/certdesk.jar");
        long seed = new SecureRandom().nextLong();
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--kills" -> kills = Integer.parseInt(args[i + 1]);
                case "--database" -> database = args[i + 1];
                case "--jar" -> jar = Path.of(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--kills N, --database h2|postgresql, --jar FILE, --seed S)");
            }
        }
        Path work = Files.createTempDirectory("certdesk-crash");
        System.out.println("seed " + seed + ", work folder " + work);
        Report report;
        if (database.equals("postgresql")) {
            try (var pg = EmbeddedPostgres.builder().start()) {
                try (var c = pg.getPostgresDatabase().getConnection()) {
                    c.createStatement().execute("CREATE DATABASE certdesk_crash");
                }
                report = run(
                        jar,
                        new Target("PostgreSQL", Optional.of(pg.getJdbcUrl("postgres", "certdesk_crash"))),
                        kills,
                        seed,
                        work);
            }
        } else {
            report = run(jar, new Target("H2", Optional.empty()), kills, seed, work);
        }
        System.out.println(report);
        System.exit(report.lost().isEmpty() && report.refused() == 0 ? 0 : 1);
    }
}
