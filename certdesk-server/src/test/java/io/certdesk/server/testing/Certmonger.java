package io.certdesk.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's certmonger as a SCEP client: a private D-Bus session bus started for it (there is no
 * system bus here), the daemon on it ({@code -s -n}), its state in a scratch folder (its
 * CERTMONGER_*_DIR variables: as root it would write to /var/lib/certmonger), and {@code getcert}
 * run against it. Closing stops both processes.
 */
public final class Certmonger implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final Process bus;
    private final Process daemon;

    private Certmonger(Path dir, Process bus, String address, Process daemon) {
        this.dir = dir;
        this.bus = bus;
        this.daemon = daemon;
        env.putAll(environment(dir));
        env.put("DBUS_SESSION_BUS_ADDRESS", address);
    }

    private static Map<String, String> environment(Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        env.put("CERTMONGER_CAS_DIR", dir.resolve("state/cas").toString());
        env.put("CERTMONGER_REQUESTS_DIR", dir.resolve("state/requests").toString());
        env.put("CERTMONGER_LOCAL_CA_DIR", dir.resolve("state/local").toString());
        env.put("CERTMONGER_CONFIG_DIR", dir.resolve("state/config").toString());
        return env;
    }

    public static Certmonger start() {
        DebianTools.require("certmonger");
        DebianTools.require("getcert");
        DebianTools.require("dbus-daemon");
        try {
            Path dir = Files.createTempDirectory("certmonger");
            for (String sub : List.of("state/cas", "state/requests", "state/local", "state/config", "certs")) {
                Files.createDirectories(dir.resolve(sub));
            }
            // A bus of its own with no service directories: the session bus's would start a second certmonger
            // (Debian ships a session-bus activation file for it) when getcert asks before this daemon has taken
            // its name, and that one, with none of the state directories below, would answer every request.
            Path busConfig = dir.resolve("bus.conf");
            Files.writeString(
                    busConfig,
                    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\""
                            + " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                            + "<busconfig><type>session</type><listen>unix:tmpdir=" + dir + "</listen>"
                            + "<auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\"/>"
                            + "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n");
            Process bus = new ProcessBuilder(
                            "dbus-daemon", "--config-file=" + busConfig, "--nofork", "--print-address=1")
                    .redirectErrorStream(true)
                    .start();
            String address = new String(readLine(bus), StandardCharsets.US_ASCII).trim();
            assertThat(address).as("dbus-daemon printed its address").startsWith("unix:");
            ProcessBuilder cm = new ProcessBuilder(
                            "certmonger",
                            "-s",
                            "-n",
                            "-B",
                            "-p",
                            dir.resolve("certmonger.pid").toString(),
                            "-d",
                            "2")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("certmonger.log").toFile());
            cm.environment().putAll(environment(dir));
            cm.environment().put("DBUS_SESSION_BUS_ADDRESS", address);
            Process daemon = cm.start();
            Certmonger started = new Certmonger(dir, bus, address, daemon);
            try {
                Eventually.holds(
                        "certmonger answers on its bus",
                        Duration.ofSeconds(20),
                        () -> started.getcert("list", "-s").exit() == 0);
            } catch (Exception e) {
                started.close();
                throw new IllegalStateException("certmonger did not start: " + started.log(), e);
            }
            return started;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readLine(Process p) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int c;
        while ((c = p.getInputStream().read()) >= 0 && c != '\n') {
            line.write(c);
        }
        return line.toByteArray();
    }

    public Path dir() {
        return dir;
    }

    /** {@code getcert ARGS} against this daemon. */
    public DebianTools.Run getcert(String... args) {
        List<String> command = new ArrayList<>();
        command.add("getcert");
        command.addAll(List.of(args));
        return DebianTools.run(dir, env, 60, command.toArray(new String[0]));
    }

    /** certmonger's SCEP helper by itself ({@code -c}: the capabilities, {@code -C}: the CA certificates). */
    public DebianTools.Run scepSubmit(String url, String mode) {
        return DebianTools.run(dir, env, 60, "/usr/lib/certmonger/scep-submit", "-u", url, mode);
    }

    /** The status certmonger gives the request with {@code id} (MONITORING, CA_REJECTED, CA_UNREACHABLE, …). */
    public String status(String id) {
        return field(id, "status");
    }

    /** A field of {@code getcert list} for the request. */
    public String field(String id, String name) {
        String listed = getcert("list", "-s", "-i", id).output();
        Matcher m =
                Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ": (.*)$").matcher(listed);
        return m.find() ? m.group(1).trim() : "";
    }

    /** Waits until the request's status is one of {@code wanted}; answers it. */
    public String awaitStatus(String id, Duration within, String... wanted) {
        List<String> states = List.of(wanted);
        long end = System.nanoTime() + within.toNanos();
        String status = status(id);
        while (!states.contains(status) && System.nanoTime() < end) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            status = status(id);
        }
        assertThat(status).as("certmonger's status of %s (log: %s)", id, log()).isIn(states);
        return status;
    }

    public String log() {
        try {
            String all = Files.readString(dir.resolve("certmonger.log"));
            return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        daemon.destroy();
        bus.destroy();
        try {
            daemon.waitFor();
            bus.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
