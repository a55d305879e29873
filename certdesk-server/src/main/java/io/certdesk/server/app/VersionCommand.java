package io.certdesk.server.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** Prints the version of this build. */
@Command(name = "version", description = "Print the version.", mixinStandardHelpOptions = true)
public final class VersionCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("certdesk " + version());
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    /** Feeds {@code --version}. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"certdesk " + version()};
        }
    }
}
