package io.certdesk.bench;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.ScepClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * SCEP enrollments per second against a running node: CLIENTS threads, each a device (an RSA-2048
 * key and its self-signed certificate) of its own account, each enrollment a PKCSReq with a new
 * transaction ID and the account's static password, POSTed over a kept-alive HTTP connection to
 * {@code /scep/ACCOUNT}; it counts only when the answer is SUCCESS with the certificate, checked
 * against the RA's signature and opened with the device's key.
 * Args: ACCOUNTS_FILE (lines "URL PASSWORD NAME") SECONDS WARMUP CLIENTS SERVER_PID.
 */
public final class ScepLoad {
    private ScepLoad() {}

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0])).stream()
                .filter(l -> !l.isBlank())
                .toList();
        double seconds = Double.parseDouble(args[1]);
        double warmup = Double.parseDouble(args[2]);
        int clients = Integer.parseInt(args[3]);
        long pid = Long.parseLong(args[4]);
        AcmeLoad.Issuance[] issuances = new AcmeLoad.Issuance[clients];
        for (int i = 0; i < clients; i++) {
            String[] line = lines.get(i % lines.size()).trim().split("\\s+");
            String url = line[0];
            String password = line[1];
            String name = line[2];
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            X509Certificate ra = ra(http, url);
            KeyPair device = KeyPairs.generate(KeyType.RSA_2048, new SecureRandom());
            X509Certificate self = ScepClient.selfSigned(device, name);
            byte[] csr = ScepClient.csr(device, name, List.of(name), Optional.of(password));
            issuances[i] = () -> {
                ScepClient.Sent sent = ScepClient.enrollment(
                        19,
                        csr,
                        self,
                        device.getPrivate(),
                        ra,
                        ScepClient.transactionId(),
                        ScepClient.Options.standard());
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(URI.create(url + "?operation=PKIOperation"))
                                .header("Content-Type", "application/x-pki-message")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(sent.der()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(r.statusCode() + " " + new String(r.body()));
                }
                ScepClient.Reply reply = ScepClient.read(r.body(), ra, device.getPrivate());
                if (!reply.status().equals("0") || reply.certificates().isEmpty()) {
                    throw new IllegalStateException("status " + reply.status() + " " + reply.failInfoText());
                }
            };
        }
        AcmeLoad.run("scep", issuances, warmup, seconds, pid);
    }

    private static X509Certificate ra(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(URI.create(url + "?operation=GetCACert")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return ScepClient.registrationAuthority(r.body());
    }
}
