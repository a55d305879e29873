package io.certdesk.server.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.Eventually;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/alerts.yml is valid for Prometheus ({@code promtool check rules}) and its alerts fire as
 * meant ({@code promtool test rules}) on the series a live node's /metrics gives: a chain ending
 * within a day, renewals that fail, and nothing for a platform CA ten years from its end.
 */
class AlertRulesTest extends FreshServerOnBothDatabases {
    private static final Path RULES =
            Path.of("..", "docs", "alerts.yml").toAbsolutePath().normalize();
    private final MutableClock clock = new MutableClock();

    @Test
    void theAlertRulesFireOnTheSeriesALiveNodeExports(@TempDir Path dir) throws Exception {
        DebianTools.require("promtool");
        var check = DebianTools.run(dir, "promtool", "check", "rules", RULES.toString());
        assertThat(check.exit()).as(check.output()).isZero();

        server = TestServer.start(database, io.certdesk.pki.keys.KeyType.EC_P256, clock);
        Api admin = server.admin();
        String account = admin.createVendor("Alerts");
        admin.setDomains(account, "soon.alerts.test", "gone.alerts.test");
        admin.generateTlsChain(account, "gone.alerts.test", Map.of("validityDays", 3));
        admin.setDomains(account, "soon.alerts.test"); // its renewal will fail
        clock.advance(Duration.ofDays(2).plusHours(1)); // 67 % of 3 days: the renewal is due
        server.adminSignedInAgain().generateTlsChain(account, "soon.alerts.test", Map.of("validityDays", 1));
        Eventually.holds("the metrics show both", Duration.ofSeconds(45), () -> {
            String m = server.anonymous().get("/metrics").text();
            return value(m, "certdesk_renewals_total\\{outcome=\"failed\"\\}").orElse(0.0) >= 1
                    && value(m, "certdesk_certificates_expiring\\{kind=\"CHAIN\",within_days=\"1\"\\}")
                                    .orElse(0.0)
                            >= 2;
        });
        String metrics = server.anonymous().get("/metrics").text();
        List<String> series = new ArrayList<>();
        StringBuilder inputs = new StringBuilder();
        for (String line : metrics.lines().toList()) {
            if (line.startsWith("certdesk_certificates_expiring{")
                    || line.startsWith("certdesk_renewals_total{")
                    || line.startsWith("certdesk_platform_ca_end_seconds{")
                    || line.startsWith("certdesk_webhook_deliveries_total{")
                    || line.startsWith("certdesk_webhook_oldest_undelivered_age_seconds")) {
                int space = line.lastIndexOf(' ');
                String name = line.substring(0, space);
                String labelled = name.contains("{")
                        ? name.replace("{", "{instance=\"node-1\",")
                        : name + "{instance=\"node-1\"}";
                long value = (long) Double.parseDouble(line.substring(space + 1));
                // a counter starts at 0 and reaches what the node counts; a gauge stays where it is
                String values = line.startsWith("certdesk_renewals_total")
                                || line.startsWith("certdesk_webhook_deliveries_total")
                        ? "0 " + value + "x59"
                        : value + "x60";
                inputs.append("      - series: '")
                        .append(labelled)
                        .append("'\n")
                        .append("        values: '")
                        .append(values)
                        .append("'\n");
                series.add(labelled);
            }
        }
        assertThat(series).as("the live series").anyMatch(s -> s.startsWith("certdesk_platform_ca_end_seconds"));
        long ending = Math.round(value(metrics, "certdesk_certificates_expiring\\{kind=\"CHAIN\",within_days=\"1\"\\}")
                .orElseThrow());
        // one series the live node cannot give here: an end that promtool's clock (from 0) has passed
        inputs.append(
                        "      - series: 'certdesk_certificates_soonest_end_seconds{instance=\"node-1\",kind=\"TRUSTED_CA\"}'\n")
                .append("        values: '600x60'\n");

        String test = "rule_files:\n  - " + RULES
                + "\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n"
                + inputs
                + "    alert_rule_test:\n"
                + expect("CertdeskCertificatesEndWithinADay", Map.of("kind", "CHAIN", "severity", "critical"), ending)
                + expect("CertdeskRenewalsFailing", Map.of("severity", "warning"), 0)
                + expect("CertdeskCertificateEnded", Map.of("kind", "TRUSTED_CA", "severity", "critical"), 600)
                + "      - eval_time: 30m\n        alertname: CertdeskPlatformCaEndsWithinAYear\n        exp_alerts: []\n"
                + "      - eval_time: 30m\n        alertname: CertdeskWebhooksGivenUp\n        exp_alerts: []\n";
        Path file = dir.resolve("alerts-test.yml");
        Files.writeString(file, test);
        var run = DebianTools.run(dir, "promtool", "test", "rules", file.toString());
        assertThat(run.exit()).as(test + "\n" + run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS");
    }

    private static Optional<Double> value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    /** An expected firing alert at 30 minutes, with the annotations as the rule file writes them, filled in. */
    private static String expect(String alert, Map<String, String> labels, long value) throws Exception {
        String rules = Files.readString(RULES);
        int at = rules.indexOf("- alert: " + alert + "\n");
        assertThat(at).as(alert + " in alerts.yml").isGreaterThanOrEqualTo(0);
        String block = rules.substring(
                at, rules.indexOf("- alert:", at + 1) < 0 ? rules.length() : rules.indexOf("- alert:", at + 1));
        StringBuilder out = new StringBuilder("      - eval_time: 30m\n        alertname: " + alert
                + "\n        exp_alerts:\n          - exp_labels:\n");
        labels.forEach((k, v) ->
                out.append("              ").append(k).append(": ").append(v).append('\n'));
        out.append("            exp_annotations:\n");
        for (String key : List.of("summary", "description")) {
            Matcher m = Pattern.compile(key + ": \"(.*)\"").matcher(block);
            assertThat(m.find()).as(alert + " has a " + key).isTrue();
            String text = m.group(1)
                    .replace("{{ $value }}", Long.toString(value))
                    .replace("{{ $labels.kind }}", labels.getOrDefault("kind", ""));
            out.append("              ").append(key).append(": \"").append(text).append("\"\n");
        }
        return out.toString();
    }
}
