package io.certdesk.bench.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.engine.Constants;

/**
 * The embedded database alone, under SIGKILL: a child JVM commits rows from four threads on the
 * H2 URL Certdesk uses and prints each id once its commit returned; the parent kills it at a
 * random moment, reopens the file and looks for every printed id. Run it before moving to another
 * H2 version (H2 2.5.252 failed it within 30 kills; 2.4.240 passed 60).
 *
 * <p>{@code java -cp benchmarks.jar io.certdesk.bench.crash.H2CommitDurability [KILLS] [URL_OPTIONS]}
 */
public final class H2CommitDurability {
    private H2CommitDurability() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("write")) {
            write(args[1], args.length > 2 ? args[2] : "");
            return;
        }
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        String options = args.length > 1 ? args[1] : ";WRITE_DELAY=0";
        Path dir = Files.createTempDirectory("h2-durability");
        Path acks = dir.resolve("acks.txt");
        Random random = new Random();
        for (int kill = 1; kill <= kills; kill++) {
            Process writer = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            H2CommitDurability.class.getName(),
                            "write",
                            url(dir, ""),
                            options)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(acks.toFile()))
                    .redirectError(dir.resolve("writer.err").toFile())
                    .start();
            Thread.sleep(800 + random.nextInt(2_200));
            writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            List<Integer> missing = missing(url(dir, options), acks);
            if (!missing.isEmpty()) {
                System.out.printf(
                        "lost %d acknowledged commits at kill %d (positions from the last: %s)%n",
                        missing.size(), kill, missing);
                System.exit(1);
            }
        }
        System.out.printf(
                "%d of %d kills survived, %d acknowledged commits all there (%s)%n",
                kills, kills, Files.readAllLines(acks).size(), Constants.FULL_VERSION);
    }

    private static String url(Path dir, String options) {
        return "jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE" + options;
    }

    private static void write(String url, String options) throws Exception {
        try (Connection c = DriverManager.getConnection(url + options, "sa", "")) {
            c.createStatement()
                    .execute("CREATE TABLE IF NOT EXISTS t (id VARCHAR(40) PRIMARY KEY, payload VARBINARY(8000))");
        }
        for (int i = 0; i < 4; i++) {
            new Thread(() -> {
                        Random random = new Random();
                        try (Connection c = DriverManager.getConnection(url + options, "sa", "")) {
                            c.setAutoCommit(false);
                            while (true) {
                                String id = UUID.randomUUID().toString();
                                byte[] payload = new byte[500 + random.nextInt(6_000)];
                                random.nextBytes(payload);
                                try (PreparedStatement s = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                                    s.setString(1, id);
                                    s.setBytes(2, payload);
                                    s.execute();
                                }
                                c.commit();
                                synchronized (System.out) {
                                    System.out.println(id);
                                    System.out.flush();
                                }
                            }
                        } catch (SQLException e) {
                            e.printStackTrace();
                        }
                    })
                    .start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static List<Integer> missing(String url, Path acks) throws SQLException, IOException {
        Set<String> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                ResultSet rs = c.createStatement().executeQuery("SELECT id FROM t")) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        List<String> acknowledged =
                Files.readAllLines(acks).stream().filter(s -> s.length() == 36).toList();
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < acknowledged.size(); i++) {
            if (!present.contains(acknowledged.get(i))) {
                missing.add(acknowledged.size() - i);
            }
        }
        return missing;
    }
}
