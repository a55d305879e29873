package io.certdesk.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a client that resolves host names itself (ipptool, a JVM) with names of the test mapped
 * to 127.0.0.1: in its own mount namespace ({@code unshare -m}; not as root, inside a user
 * namespace) an /etc/hosts of the test is bind-mounted over the machine's, which no other process sees.
 */
public final class HostsFile {
    private HostsFile() {}

    public static DebianTools.Run run(
            Path dir, List<String> names, Map<String, String> environment, String... command) {
        DebianTools.require("unshare");
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path hosts = Files.createTempFile(dir, "hosts", ".txt");
            Files.writeString(hosts, "127.0.0.1 localhost " + String.join(" ", names) + "\n::1 localhost\n");
            // as root a mount namespace of its own; otherwise inside a user namespace, where the mount is allowed too
            List<String> wrapped = new ArrayList<>(root ? List.of("unshare", "-m") : List.of("unshare", "-r", "-m"));
            wrapped.addAll(List.of("sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hosts.toString()));
            wrapped.addAll(List.of(command));
            return DebianTools.run(dir, environment, 60, wrapped.toArray(new String[0]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
